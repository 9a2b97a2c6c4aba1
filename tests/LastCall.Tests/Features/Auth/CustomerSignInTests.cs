using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using LastCall.TestSupport;
using Microsoft.EntityFrameworkCore;

namespace LastCall.Tests.Features.Auth;

public sealed class CustomerSignInTests(PostgresCluster postgres)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task SignIn_PasswordAndCode_GivesTokenThatOpensOwnLine()
    {
        await using var scenario = await Scenario.StartAsync(postgres);

        var token = await scenario.CustomerTokenAsync(scenario.CustomerA);
        using var client = scenario.Client(token);
        var line = await client.GetFromJsonAsync<JsonElement>($"/api/v1/lines/{scenario.CustomerA.Msisdn}", Ct);

        Assert.Equal(scenario.CustomerA.Msisdn, line.GetProperty("msisdn").GetString());
        Assert.Equal("active", line.GetProperty("status").GetString());
        Assert.Equal("张伟", line.GetProperty("owner").GetProperty("name").GetString());
        var masked = line.GetProperty("owner").GetProperty("idNumberMasked").GetString()!;
        Assert.Equal(scenario.CustomerA.IdNumber[..4] + "**********" + scenario.CustomerA.IdNumber[14..], masked);
        Assert.DoesNotContain(scenario.CustomerA.IdNumber, await (await client.GetAsync($"/api/v1/lines/{scenario.CustomerA.Msisdn}", Ct)).Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        Assert.Equal("primary", line.GetProperty("profiles")[0].GetProperty("role").GetString());
    }

    [Fact]
    public async Task SignInCode_IsSixDigits_InTheCustomersLanguage_AndSingleUse()
    {
        await using var scenario = await Scenario.StartAsync(postgres);
        var a = scenario.CustomerA;
        (await scenario.Anonymous.PostAsJsonAsync("/api/v1/auth/otp", new { msisdn = a.Msisdn }, Ct)).EnsureSuccessStatusCode();
        var messages = await scenario.Anonymous.GetFromJsonAsync<JsonElement>($"/api/v1/dev/messages?to={Uri.EscapeDataString(a.Msisdn)}", Ct);
        Assert.Contains("验证码", messages[0].GetProperty("body").GetString(), StringComparison.Ordinal);
        var code = await scenario.LatestCodeAsync(a.Msisdn);

        var first = await scenario.Anonymous.PostAsJsonAsync("/api/v1/auth/login", new { msisdn = a.Msisdn, servicePassword = a.Password, otp = code }, Ct);
        var replay = await scenario.Anonymous.PostAsJsonAsync("/api/v1/auth/login", new { msisdn = a.Msisdn, servicePassword = a.Password, otp = code }, Ct);

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, replay.StatusCode);
        Assert.Equal("invalid_credentials", await CodeOf(replay));
    }

    [Fact]
    public async Task UnknownNumberAndWrongPassword_AnswerAlike()
    {
        await using var scenario = await Scenario.StartAsync(postgres);
        var unknown = TestData.Msisdn(TestData.Next());

        var otpUnknown = await scenario.Anonymous.PostAsJsonAsync("/api/v1/auth/otp", new { msisdn = unknown }, Ct);
        var otpKnown = await scenario.Anonymous.PostAsJsonAsync("/api/v1/auth/otp", new { msisdn = scenario.CustomerB.Msisdn }, Ct);
        Assert.Equal(HttpStatusCode.Accepted, otpUnknown.StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, otpKnown.StatusCode);
        Assert.Equal(await otpKnown.Content.ReadAsStringAsync(Ct), await otpUnknown.Content.ReadAsStringAsync(Ct));
        Assert.Empty((await scenario.Anonymous.GetFromJsonAsync<JsonElement>($"/api/v1/dev/messages?to={Uri.EscapeDataString(unknown)}", Ct)).EnumerateArray());

        var code = await scenario.LatestCodeAsync(scenario.CustomerB.Msisdn);
        var wrongPassword = await scenario.Anonymous.PostAsJsonAsync("/api/v1/auth/login", new { msisdn = scenario.CustomerB.Msisdn, servicePassword = "000000", otp = code }, Ct);
        var unknownNumber = await scenario.Anonymous.PostAsJsonAsync("/api/v1/auth/login", new { msisdn = unknown, servicePassword = "000000", otp = "123456" }, Ct);

        Assert.Equal(HttpStatusCode.Unauthorized, wrongPassword.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, unknownNumber.StatusCode);
        var a = await wrongPassword.Content.ReadFromJsonAsync<JsonElement>(Ct);
        var b = await unknownNumber.Content.ReadFromJsonAsync<JsonElement>(Ct);
        Assert.Equal(a.GetProperty("code").GetString(), b.GetProperty("code").GetString());
        Assert.Equal(a.GetProperty("detail").GetString(), b.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task FiveFailures_LockTheNumber_WithRetryAfter_AndEveryFailureIsAudited()
    {
        await using var scenario = await Scenario.StartAsync(postgres);
        var b = scenario.CustomerB;
        HttpResponseMessage? last = null;
        for (var i = 0; i < 5; i++)
            last = await scenario.Anonymous.PostAsJsonAsync("/api/v1/auth/login", new { msisdn = b.Msisdn, servicePassword = "111111", otp = "123456" }, Ct);

        Assert.Equal(HttpStatusCode.TooManyRequests, last!.StatusCode);
        Assert.Equal("locked_out", await CodeOf(last));
        Assert.True(int.Parse(last.Headers.GetValues("Retry-After").Single(), System.Globalization.CultureInfo.InvariantCulture) > 0);

        // Even the right password and code are refused while the lock lasts.
        (await scenario.Anonymous.PostAsJsonAsync("/api/v1/auth/otp", new { msisdn = b.Msisdn }, Ct)).EnsureSuccessStatusCode();
        var code = await scenario.LatestCodeAsync(b.Msisdn);
        var locked = await scenario.Anonymous.PostAsJsonAsync("/api/v1/auth/login", new { msisdn = b.Msisdn, servicePassword = b.Password, otp = code }, Ct);
        Assert.Equal(HttpStatusCode.TooManyRequests, locked.StatusCode);

        await using var db = scenario.Database.CreateContext();
        Assert.Equal(5, await db.AuditEvents.CountAsync(e => e.Action == "customer.sign_in_failed", Ct));
        Assert.Equal(1, await db.AuditEvents.CountAsync(e => e.Action == "customer.locked_out", Ct));
    }

    [Fact]
    public async Task Success_ResetsTheFailureCount()
    {
        await using var scenario = await Scenario.StartAsync(postgres);
        var a = scenario.CustomerA;
        async Task FailAsync(int times)
        {
            for (var i = 0; i < times; i++)
                Assert.Equal(HttpStatusCode.Unauthorized, (await scenario.Anonymous.PostAsJsonAsync("/api/v1/auth/login", new { msisdn = a.Msisdn, servicePassword = "111111", otp = "123456" }, Ct)).StatusCode);
        }

        await FailAsync(4);
        await scenario.CustomerTokenAsync(a);
        await FailAsync(4);
    }

    [Fact]
    public async Task CodeRequests_AreThrottledPerNumber()
    {
        await using var scenario = await Scenario.StartAsync(postgres, configure: s => s.Remove("Security:Otp:MinIntervalSeconds"));
        var unknown = TestData.Msisdn(TestData.Next());

        var first = await scenario.Anonymous.PostAsJsonAsync("/api/v1/auth/otp", new { msisdn = unknown }, Ct);
        var second = await scenario.Anonymous.PostAsJsonAsync("/api/v1/auth/otp", new { msisdn = unknown }, Ct);

        Assert.Equal(HttpStatusCode.Accepted, first.StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, second.StatusCode);
        Assert.NotNull(second.Headers.RetryAfter);
    }

    [Fact]
    public async Task RotatedSecurityStamp_EndsEarlierTokens()
    {
        await using var scenario = await Scenario.StartAsync(postgres);
        using var client = scenario.Client(await scenario.CustomerTokenAsync(scenario.CustomerA));
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/v1/me/lines", Ct)).StatusCode);

        await using (var db = scenario.Database.CreateContext())
        {
            var customer = await db.Customers.SingleAsync(c => c.Name == "张伟", Ct);
            customer.RotateSecurityStamp();
            await db.SaveChangesAsync(Ct);
        }

        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync("/api/v1/me/lines", Ct)).StatusCode);
    }

    [Fact]
    public async Task ForgedOrGarbageTokens_AreRefused()
    {
        await using var scenario = await Scenario.StartAsync(postgres);
        var token = await scenario.CustomerTokenAsync(scenario.CustomerA);
        var parts = token.Split('.');
        var forged = parts[0] + "." + parts[1] + "." + new string('A', parts[2].Length);

        using var forgedClient = scenario.Client(forged);
        using var garbageClient = scenario.Client("not-a-token");
        var forgedResponse = await forgedClient.GetAsync("/api/v1/me/lines", Ct);

        Assert.Equal(HttpStatusCode.Unauthorized, forgedResponse.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await garbageClient.GetAsync("/api/v1/me/lines", Ct)).StatusCode);
        Assert.Equal("unauthorized", await CodeOf(forgedResponse));
    }

    [Fact]
    public async Task MyLines_ListsEveryLineUnderMyIdentity_AndNoOneElses()
    {
        await using var scenario = await Scenario.StartAsync(postgres);
        using var client = await scenario.CustomerAsync(scenario.CustomerA);

        var lines = await client.GetFromJsonAsync<JsonElement>("/api/v1/me/lines", Ct);

        Assert.Equal([scenario.CustomerA.Msisdn, scenario.CustomerASecondLine.Msisdn], lines.EnumerateArray().Select(l => l.GetProperty("msisdn").GetString()).Order().ToArray());
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync($"/api/v1/lines/{scenario.CustomerB.Msisdn}", Ct)).StatusCode);
    }

    private static async Task<string?> CodeOf(HttpResponseMessage response) =>
        (await response.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("code").GetString();
}
