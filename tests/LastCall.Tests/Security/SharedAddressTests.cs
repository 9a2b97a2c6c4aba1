using System.Net;
using System.Net.Http.Json;
using LastCall.TestSupport;
using Microsoft.EntityFrameworkCore;

namespace LastCall.Tests.Security;

/// <summary>Clients behind a reverse proxy: their own address is throttled and audited, not the proxy's; a refused attempt is audited.</summary>
public sealed class SharedAddressTests(PostgresCluster postgres)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static HttpRequestMessage Login(string msisdn, string forwardedFor) =>
        new(HttpMethod.Post, "/api/v1/auth/login")
        {
            Content = JsonContent.Create(new { msisdn, servicePassword = "000000", otp = "000000" }),
            Headers = { { "X-Forwarded-For", forwardedFor } },
        };

    [Fact]
    public async Task SignInFailure_BehindAKnownProxy_AuditsAndThrottlesTheForwardedAddress()
    {
        await using var scenario = await Scenario.StartAsync(postgres, configure: s => s["ReverseProxy:KnownProxies:0"] = "127.0.0.1");

        var response = await scenario.Anonymous.SendAsync(Login(scenario.CustomerA.Msisdn, "203.0.113.9"), Ct);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        await using var db = scenario.Database.CreateContext();
        var failure = await db.AuditEvents.AsNoTracking().Where(e => e.Action == "customer.sign_in_failed").SingleAsync(Ct);
        Assert.Equal("203.0.113.9", failure.ClientAddress);
        Assert.True(await db.SignInThrottles.AnyAsync(t => t.Key == "ip:203.0.113.9", Ct));
        Assert.False(await db.SignInThrottles.AnyAsync(t => t.Key == "ip:127.0.0.1", Ct));
    }

    [Fact]
    public async Task SignIn_WithoutProxySetting_IgnoresForwardedFor()
    {
        await using var scenario = await Scenario.StartAsync(postgres);

        await scenario.Anonymous.SendAsync(Login(scenario.CustomerA.Msisdn, "203.0.113.9"), Ct);

        await using var db = scenario.Database.CreateContext();
        var failure = await db.AuditEvents.AsNoTracking().Where(e => e.Action == "customer.sign_in_failed").SingleAsync(Ct);
        Assert.Equal("127.0.0.1", failure.ClientAddress);
    }

    [Fact]
    public async Task SignIn_WhileLocked_IsRefusedAndAudited()
    {
        await using var scenario = await Scenario.StartAsync(postgres);
        for (var i = 0; i < 5; i++)
            await scenario.Anonymous.PostAsJsonAsync("/api/v1/auth/login", new { msisdn = scenario.CustomerA.Msisdn, servicePassword = "000000", otp = "000000" }, Ct);

        var refused = await scenario.Anonymous.PostAsJsonAsync("/api/v1/auth/login", new { msisdn = scenario.CustomerA.Msisdn, servicePassword = scenario.CustomerA.Password, otp = "000000" }, Ct);

        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        await using var db = scenario.Database.CreateContext();
        Assert.Equal(1, await db.AuditEvents.CountAsync(e => e.Action == "customer.sign_in_refused", Ct));
    }
}
