using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using LastCall.Data;
using LastCall.Domain.Common;
using LastCall.Domain.Partners;
using LastCall.Features.Webhooks;
using LastCall.Security;
using LastCall.TestSupport;
using Microsoft.EntityFrameworkCore;

namespace LastCall.Tests.Features.Webhooks;

/// <summary>Webhook URLs checked against SSRF at registration and again at connect time; secrets; the watch list.</summary>
public sealed class WebhookRegistrationTests(PostgresCluster postgres)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static async Task<string?> CodeAsync(HttpResponseMessage response) =>
        JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct)).RootElement.GetProperty("code").GetString();

    [Fact]
    public async Task WebhookUrl_PointingInsideOrNotHttps_IsRefusedAtRegistration()
    {
        await using var scenario = await Scenario.StartAsync(postgres);
        var (_, partner) = await PartnerWebhookHarness.CreatePartnerAsync(scenario, "SSRF probe");
        var cases = new (string Url, int Status, string Code)[]
        {
            ("https://127.0.0.1/hook", 422, "webhook_url_not_allowed"),
            ("https://localhost/hook", 422, "webhook_url_not_allowed"),
            ("https://10.1.2.3/hook", 422, "webhook_url_not_allowed"),
            ("https://172.20.0.1/hook", 422, "webhook_url_not_allowed"),
            ("https://192.168.1.10/hook", 422, "webhook_url_not_allowed"),
            ("https://100.64.0.1/hook", 422, "webhook_url_not_allowed"),
            ("https://169.254.169.254/latest/meta-data", 422, "webhook_url_not_allowed"),
            ("https://0.0.0.0/hook", 422, "webhook_url_not_allowed"),
            ("https://[::1]/hook", 422, "webhook_url_not_allowed"),
            ("https://[fe80::1]/hook", 422, "webhook_url_not_allowed"),
            ("https://[fd00::1]/hook", 422, "webhook_url_not_allowed"),
            ("https://[::ffff:127.0.0.1]/hook", 422, "webhook_url_not_allowed"),
            ("https://224.0.0.1/hook", 422, "webhook_url_not_allowed"),
            ("http://93.184.215.14/hook", 400, "invalid_webhook_url"),
            ("ftp://93.184.215.14/hook", 400, "invalid_webhook_url"),
            ("https://user:pass@93.184.215.14/hook", 400, "invalid_webhook_url"),
            ("/relative/hook", 400, "invalid_webhook_url"),
            ("", 400, "invalid_webhook_url"),
        };

        foreach (var (url, status, code) in cases)
        {
            using var response = await partner.PutAsJsonAsync("/api/v1/partner/webhook", new { url }, Ct);
            Assert.True(status == (int)response.StatusCode, $"{url}: {(int)response.StatusCode}");
            Assert.Equal(code, await CodeAsync(response));
        }
        Assert.Equal(HttpStatusCode.NotFound, (await partner.GetAsync("/api/v1/partner/webhook", Ct)).StatusCode);
        // A public https address passes.
        Assert.StartsWith("whsec_", await PartnerWebhookHarness.SetWebhookAsync(partner, "https://93.184.215.14/hooks"), StringComparison.Ordinal);
        partner.Dispose();
    }

    [Theory]
    [MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task WebhookSecret_IsShownOnce_StoredEncrypted_AndRotatedByANewPut(DatabaseProvider provider)
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        await using var scenario = await Scenario.StartAsync(postgres, provider, s => s["Webhooks:AllowedHosts"] = $"127.0.0.1:{receiver.Port}");
        var (partnerId, partner) = await PartnerWebhookHarness.CreatePartnerAsync(scenario, "Rotating");

        var first = await PartnerWebhookHarness.SetWebhookAsync(partner, receiver.Url);
        var second = await PartnerWebhookHarness.SetWebhookAsync(partner, receiver.Url);

        Assert.Matches("^whsec_[A-Za-z0-9+/]+=*$", first);
        Assert.True(Convert.FromBase64String(first["whsec_".Length..]).Length >= 24);
        Assert.NotEqual(first, second);
        var view = await partner.GetFromJsonAsync<JsonElement>("/api/v1/partner/webhook", Ct);
        Assert.Equal(receiver.Url, view.GetProperty("url").GetString());
        Assert.True(view.GetProperty("enabled").GetBoolean());
        Assert.DoesNotContain("whsec_", view.GetRawText(), StringComparison.Ordinal);

        await using var db = scenario.Database.CreateContext();
        var stored = await db.WebhookEndpoints.AsNoTracking().SingleAsync(e => e.PartnerId == partnerId, Ct);
        Assert.DoesNotContain(second["whsec_".Length..], stored.ProtectedSecret, StringComparison.Ordinal);
        var secrets = new WebhookSecrets(new KeyRing(Convert.FromBase64String(scenario.Database.MasterKey)));
        Assert.Equal(second, secrets.Unprotect(partnerId, stored.ProtectedSecret));
        // Bound to its partner: the same ciphertext does not open as another partner's.
        Assert.ThrowsAny<System.Security.Cryptography.CryptographicException>(() => secrets.Unprotect(Guid.NewGuid(), stored.ProtectedSecret));
        Assert.Equal(2, await db.AuditEvents.CountAsync(e => e.Action == "partner.webhook_set", Ct));
        partner.Dispose();
    }

    /// <summary>
    /// A URL whose host resolves inside at send time (as after DNS rebinding) is refused when the
    /// connection is made: only 127.0.0.1:port is allow-listed, the stored URL names localhost.
    /// </summary>
    [Fact]
    public async Task HostResolvingInsideAtConnectTime_IsRefused_AndTheReceiverIsNeverReached()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        await using var scenario = await Scenario.StartAsync(postgres, configure: s =>
        {
            s["Webhooks:AllowedHosts"] = $"127.0.0.1:{receiver.Port}";
            s["Webhooks:PollMilliseconds"] = "100";
            s["Webhooks:RetryScheduleSeconds:0"] = "60";
        });
        var (partnerId, partner) = await PartnerWebhookHarness.CreatePartnerAsync(scenario, "Rebinder");
        var rebound = $"http://localhost:{receiver.Port}/hooks/lastcall";
        using (var refused = await partner.PutAsJsonAsync("/api/v1/partner/webhook", new { url = rebound }, Ct))
            Assert.False(refused.IsSuccessStatusCode);
        await PartnerWebhookHarness.SetWebhookAsync(partner, receiver.Url);

        // The stored URL now names a host that resolves to loopback, and a delivery is due.
        await using (var db = scenario.Database.CreateContext())
        {
            await db.WebhookEndpoints.Where(e => e.PartnerId == partnerId).ExecuteUpdateAsync(u => u.SetProperty(e => e.Url, rebound), Ct);
            db.WebhookDeliveries.Add(WebhookDelivery.Create(partnerId, "test:rebinding", "number.disconnected",
                PartnerEvents.Body("number.disconnected", DateTimeOffset.UtcNow, new { msisdn = "+8613900000000", disconnectedOn = "2026-12-01" }), DateTimeOffset.UtcNow));
            await db.SaveChangesAsync(Ct);
        }

        var deadline = DateTime.UtcNow.AddSeconds(30);
        JsonElement attempt = default;
        while (DateTime.UtcNow < deadline)
        {
            var items = (await partner.GetFromJsonAsync<JsonElement>("/api/v1/partner/deliveries", Ct)).GetProperty("items");
            if (items[0].GetProperty("attempts").GetArrayLength() > 0)
            {
                attempt = items[0].GetProperty("attempts")[0];
                break;
            }
            await Task.Delay(100, Ct);
        }
        Assert.NotEqual(JsonValueKind.Undefined, attempt.ValueKind);
        Assert.Equal(JsonValueKind.Null, attempt.GetProperty("statusCode").ValueKind);
        Assert.Contains("webhook_url_not_allowed", attempt.GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.Empty(receiver.Received);
        partner.Dispose();
    }

    [Fact]
    public void AddressGuard_RefusesEveryInternalRange_AndAcceptsPublicAddresses()
    {
        foreach (var inside in new[] { "127.0.0.1", "127.255.0.9", "10.0.0.1", "172.16.0.1", "172.31.255.255", "192.168.0.1", "100.64.0.1", "100.127.255.254",
                     "169.254.169.254", "0.0.0.0", "224.0.0.251", "255.255.255.255", "::1", "::", "fe80::1", "fc00::1", "fd12:3456::1", "ff02::1", "::ffff:10.0.0.1", "::ffff:169.254.169.254" })
            Assert.True(WebhookUrlGuard.IsForbidden(IPAddress.Parse(inside)), inside);
        foreach (var outside in new[] { "93.184.215.14", "8.8.8.8", "172.32.0.1", "100.128.0.1", "2606:4700:4700::1111", "::ffff:8.8.8.8" })
            Assert.False(WebhookUrlGuard.IsForbidden(IPAddress.Parse(outside)), outside);
    }

    [Theory]
    [MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task Watchlist_PutIsIdempotent_DeleteSaysWhenNotWatched_AndListsArePerPartner(DatabaseProvider provider)
    {
        await using var scenario = await Scenario.StartAsync(postgres, provider);
        var (_, partner) = await PartnerWebhookHarness.CreatePartnerAsync(scenario, "Watcher");
        var (_, other) = await PartnerWebhookHarness.CreatePartnerAsync(scenario, "Other watcher");
        var numbers = Enumerable.Range(0, 5).Select(i => TestData.Msisdn(TestData.Next())).ToList();
        string Path(string n) => $"/api/v1/partner/watchlist/{Uri.EscapeDataString(n)}";

        foreach (var n in numbers)
            Assert.Equal(HttpStatusCode.Created, (await partner.PutAsync(Path(n), null, Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await partner.PutAsync(Path(numbers[0]), null, Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await other.PutAsync(Path(numbers[0]), null, Ct)).StatusCode);
        // Concurrent PUTs of one number: one binding, every answer a success.
        var racing = TestData.Msisdn(TestData.Next());
        var answers = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => partner.PutAsync(Path(racing), null, Ct)));
        Assert.All(answers, a => Assert.True(a.StatusCode is HttpStatusCode.Created or HttpStatusCode.OK, a.StatusCode.ToString()));

        var page = await partner.GetFromJsonAsync<JsonElement>("/api/v1/partner/watchlist?page=2&pageSize=2", Ct);
        Assert.Equal(6, page.GetProperty("total").GetInt32());
        Assert.Equal(numbers[2..4], page.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("msisdn").GetString()!));

        Assert.Equal(HttpStatusCode.NoContent, (await partner.DeleteAsync(Path(numbers[0]), Ct)).StatusCode);
        using var again = await partner.DeleteAsync(Path(numbers[0]), Ct);
        Assert.Equal(HttpStatusCode.NotFound, again.StatusCode);
        Assert.Equal("not_watched", await CodeAsync(again));
        using var bad = await partner.PutAsync(Path("12345"), null, Ct);
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Equal("invalid_msisdn", await CodeAsync(bad));
        Assert.Equal(1, (await other.GetFromJsonAsync<JsonElement>("/api/v1/partner/watchlist", Ct)).GetProperty("total").GetInt32());

        // The audit trail names the numbers masked only.
        await using var db = scenario.Database.CreateContext();
        var subjects = await db.AuditEvents.AsNoTracking().Where(e => e.Action.StartsWith("partner.number_")).Select(e => e.Subject).ToListAsync(Ct);
        Assert.Equal(8, subjects.Count);
        Assert.All(subjects, s => Assert.Contains("****", s, StringComparison.Ordinal));
        partner.Dispose();
        other.Dispose();
    }
}
