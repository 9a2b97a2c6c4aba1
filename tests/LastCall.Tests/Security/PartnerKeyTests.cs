using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using LastCall.TestSupport;
using Microsoft.EntityFrameworkCore;

namespace LastCall.Tests.Security;

public sealed class PartnerKeyTests(PostgresCluster postgres)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task AdminCreatesPartner_KeyWorks_OnlyItsHashIsStored_RevokedKeyStops()
    {
        await using var scenario = await Scenario.StartAsync(postgres);
        using var admin = await scenario.StaffAsync("admin");

        var created = await (await admin.PostAsJsonAsync("/api/v1/admin/partners", new { name = "招商银行" }, Ct)).Content.ReadFromJsonAsync<JsonElement>(Ct);
        var key = created.GetProperty("apiKey").GetString()!;
        using var partner = scenario.Client(key);

        var me = await partner.GetFromJsonAsync<JsonElement>("/api/v1/partner/me", Ct);
        Assert.Equal("招商银行", me.GetProperty("name").GetString());
        Assert.StartsWith("lcp_", key, StringComparison.Ordinal);

        await using (var db = scenario.Database.CreateContext())
        {
            var stored = await db.PartnerApiKeys.SingleAsync(Ct);
            Assert.NotEqual(key, stored.Hash);
            Assert.DoesNotContain(key, stored.Hash, StringComparison.Ordinal);
            Assert.Equal(key[..12], stored.Prefix);
        }

        var partnerId = created.GetProperty("id").GetString();
        var keyId = created.GetProperty("keyId").GetString();
        var listed = await admin.GetFromJsonAsync<JsonElement>("/api/v1/admin/partners", Ct);
        Assert.DoesNotContain(key, listed.GetRawText(), StringComparison.Ordinal);

        Assert.Equal(HttpStatusCode.OK, (await admin.DeleteAsync($"/api/v1/admin/partners/{partnerId}/keys/{keyId}", Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await partner.GetAsync("/api/v1/partner/me", Ct)).StatusCode);
    }

    [Fact]
    public async Task KeyRotation_NewKeyWorks_WhileOldOneStillDoesUntilRevoked()
    {
        await using var scenario = await Scenario.StartAsync(postgres);
        using var admin = await scenario.StaffAsync("admin");
        var created = await (await admin.PostAsJsonAsync("/api/v1/admin/partners", new { name = "Pay App" }, Ct)).Content.ReadFromJsonAsync<JsonElement>(Ct);
        var id = created.GetProperty("id").GetString();

        var rotated = await (await admin.PostAsync($"/api/v1/admin/partners/{id}/keys", null, Ct)).Content.ReadFromJsonAsync<JsonElement>(Ct);

        using var oldKey = scenario.Client(created.GetProperty("apiKey").GetString()!);
        using var newKey = scenario.Client(rotated.GetProperty("apiKey").GetString()!);
        Assert.Equal(HttpStatusCode.OK, (await oldKey.GetAsync("/api/v1/partner/me", Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await newKey.GetAsync("/api/v1/partner/me", Ct)).StatusCode);
    }

    [Fact]
    public async Task PartnerOverItsRate_Gets429WithRetryAfter()
    {
        await using var scenario = await Scenario.StartAsync(postgres, configure: s => s["Partners:RateLimit:PerSecond"] = "1");
        using var admin = await scenario.StaffAsync("admin");
        var created = await (await admin.PostAsJsonAsync("/api/v1/admin/partners", new { name = "Busy Bank" }, Ct)).Content.ReadFromJsonAsync<JsonElement>(Ct);
        using var partner = scenario.Client(created.GetProperty("apiKey").GetString()!);

        var statuses = new List<HttpStatusCode>();
        HttpResponseMessage? limited = null;
        for (var i = 0; i < 6 && limited is null; i++)
        {
            var response = await partner.GetAsync("/api/v1/partner/me", Ct);
            statuses.Add(response.StatusCode);
            if (response.StatusCode == HttpStatusCode.TooManyRequests)
                limited = response;
        }

        Assert.NotNull(limited);
        Assert.Equal(HttpStatusCode.OK, statuses[0]);
        Assert.Equal("rate_limited", (await limited.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("code").GetString());
        Assert.NotNull(limited.Headers.RetryAfter);
    }

    [Fact]
    public async Task KeyRevokedByAnotherInstance_IsRefused_WhenNotCached()
    {
        // Keys are remembered for Partners:KeyCacheSeconds after the database confirmed them; with 0, a
        // revocation written by another instance (here: straight into the database) applies at the next request.
        await using var scenario = await Scenario.StartAsync(postgres, configure: s => s["Partners:KeyCacheSeconds"] = "0");
        using var admin = await scenario.StaffAsync("admin");
        var created = await (await admin.PostAsJsonAsync("/api/v1/admin/partners", new { name = "Other Bank" }, Ct)).Content.ReadFromJsonAsync<JsonElement>(Ct);
        using var partner = scenario.Client(created.GetProperty("apiKey").GetString()!);
        Assert.Equal(HttpStatusCode.OK, (await partner.GetAsync("/api/v1/partner/me", Ct)).StatusCode);

        await using (var db = scenario.Database.CreateContext())
            await db.PartnerApiKeys.ExecuteUpdateAsync(k => k.SetProperty(x => x.RevokedAt, DateTimeOffset.UtcNow), Ct);

        Assert.Equal(HttpStatusCode.Unauthorized, (await partner.GetAsync("/api/v1/partner/me", Ct)).StatusCode);
    }

    [Fact]
    public async Task UnknownKey_Is401()
    {
        await using var scenario = await Scenario.StartAsync(postgres);
        using var partner = scenario.Client("lcp_" + new string('x', 43));

        Assert.Equal(HttpStatusCode.Unauthorized, (await partner.GetAsync("/api/v1/partner/me", Ct)).StatusCode);
    }
}
