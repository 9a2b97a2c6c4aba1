using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using LastCall.TestSupport;
using Microsoft.EntityFrameworkCore;

namespace LastCall.Tests.Features.Calls;

public sealed class StaffAndCallCentreTests(PostgresCluster postgres)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task StaffSignIn_ReturnsRolesAndStore_WrongPasswordIs401()
    {
        await using var scenario = await Scenario.StartAsync(postgres);

        var ok = await scenario.Anonymous.PostAsJsonAsync("/api/v1/staff/auth/login", new { username = "clerk", password = Scenario.StaffPassword }, Ct);
        var wrong = await scenario.Anonymous.PostAsJsonAsync("/api/v1/staff/auth/login", new { username = "clerk", password = "not-the-password" }, Ct);
        var unknown = await scenario.Anonymous.PostAsJsonAsync("/api/v1/staff/auth/login", new { username = "nobody", password = "not-the-password" }, Ct);

        var body = await ok.Content.ReadFromJsonAsync<JsonElement>(Ct);
        Assert.Equal(["clerk"], body.GetProperty("roles").EnumerateArray().Select(r => r.GetString()));
        Assert.Equal(Scenario.ClerkStore, body.GetProperty("storeId").GetString());
        Assert.True(body.GetProperty("expiresAt").GetDateTimeOffset() > DateTimeOffset.UtcNow.AddMinutes(50));
        Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, unknown.StatusCode);
    }

    [Fact]
    public async Task Agent_SeesNothingUntilCallerVerified_ThenOnlyThatLine_Masked()
    {
        await using var scenario = await Scenario.StartAsync(postgres);
        using var agent = await scenario.StaffAsync("agent");
        var a = scenario.CustomerA;

        var before = await agent.GetAsync($"/api/v1/lines/{a.Msisdn}", Ct);
        Assert.Equal(HttpStatusCode.Forbidden, before.StatusCode);
        Assert.Equal("caller_not_verified", (await before.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("code").GetString());

        await scenario.VerifyCallerAsync(agent, a);

        var after = await agent.GetAsync($"/api/v1/lines/{a.Msisdn}", Ct);
        Assert.Equal(HttpStatusCode.OK, after.StatusCode);
        var text = await after.Content.ReadAsStringAsync(Ct);
        Assert.DoesNotContain(a.IdNumber, text, StringComparison.Ordinal);
        Assert.Contains("**********", text, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Forbidden, (await agent.GetAsync($"/api/v1/lines/{scenario.CustomerB.Msisdn}", Ct)).StatusCode);

        await using var db = scenario.Database.CreateContext();
        Assert.Equal(1, await db.AuditEvents.CountAsync(e => e.Action == "call.caller_verified", Ct));
        var view = await db.AuditEvents.SingleAsync(e => e.Action == "line.viewed", Ct);
        Assert.Equal("agent", view.ActorName);
        Assert.Equal("call_centre", view.Channel);
        Assert.DoesNotContain(a.Msisdn, view.Subject, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CallerVerification_WrongPassword_Is401_AndGrantsNothing()
    {
        await using var scenario = await Scenario.StartAsync(postgres);
        using var agent = await scenario.StaffAsync("agent");
        var a = scenario.CustomerA;
        (await agent.PostAsync($"/api/v1/calls/{a.Msisdn}/otp", null, Ct)).EnsureSuccessStatusCode();
        var code = await scenario.LatestCodeAsync(a.Msisdn);

        var verify = await agent.PostAsJsonAsync($"/api/v1/calls/{a.Msisdn}/verify", new { servicePassword = "000000", otp = code }, Ct);

        Assert.Equal(HttpStatusCode.Unauthorized, verify.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await agent.GetAsync($"/api/v1/lines/{a.Msisdn}", Ct)).StatusCode);
    }

    [Fact]
    public async Task ClerkAndReviewer_OpenAnyLine_AndTheViewIsAuditedWithStore()
    {
        await using var scenario = await Scenario.StartAsync(postgres);
        using var clerk = await scenario.StaffAsync("clerk");
        using var reviewer = await scenario.StaffAsync("reviewer");

        Assert.Equal(HttpStatusCode.OK, (await clerk.GetAsync($"/api/v1/lines/{scenario.CustomerB.Msisdn}", Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await reviewer.GetAsync($"/api/v1/lines/{scenario.CustomerA.Msisdn}", Ct)).StatusCode);

        await using var db = scenario.Database.CreateContext();
        var clerkView = await db.AuditEvents.SingleAsync(e => e.Action == "line.viewed" && e.ActorName == "clerk", Ct);
        Assert.Equal("store", clerkView.Channel);
        Assert.Equal(Scenario.ClerkStore, clerkView.StoreId);
    }
}
