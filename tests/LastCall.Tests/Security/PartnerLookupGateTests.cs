using System.Net;
using System.Net.Http.Json;
using System.Security.Claims;
using System.Text.Json;
using LastCall.Security;
using LastCall.TestSupport;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace LastCall.Tests.Security;

/// <summary>
/// The partner lookup gate (decision 0030) answers a known partner's lookup without the general middleware: it must
/// refuse exactly what the whole way refuses, and count against the same rate limit.
/// </summary>
public sealed class PartnerLookupGateTests(PostgresCluster postgres)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>A key stays cached for the whole test however slow the machine (the longest the settings allow), so the gate does meet it.</summary>
    private static void KeepKeysCached(Dictionary<string, string?> settings) => settings["Partners:KeyCacheSeconds"] = "60";

    private static string Lookup(TestLine line) => $"/api/v1/reassigned-numbers/{Uri.EscapeDataString(line.Msisdn)}?since=2023-01-01";

    [Fact]
    public async Task EveryRouteTheGateMayAnswer_IsAPartnerGetRoute_WithThePartnerPolicyAndRateLimit()
    {
        await using var scenario = await Scenario.StartAsync(postgres);
        var endpoints = scenario.Host.Services.GetRequiredService<EndpointDataSource>().Endpoints
            .Where(e => e.Metadata.GetMetadata<AnsweredAtTheGate>() is not null).ToList();

        var single = Assert.Single(endpoints);
        Assert.Equal("/api/v1/reassigned-numbers/{msisdn}", ((RouteEndpoint)single).RoutePattern.RawText);
        Assert.Equal(["GET"], single.Metadata.GetRequiredMetadata<HttpMethodMetadata>().HttpMethods);
        Assert.Equal([Policies.Partner], single.Metadata.GetOrderedMetadata<IAuthorizeData>().Select(a => a.Policy));
        Assert.NotNull(single.Metadata.GetMetadata<PartnerRateLimited>());
    }

    [Fact]
    public async Task ALookupTheGateAnswers_CountsAgainstTheSameLimitAsThePartnersOtherRoutes()
    {
        await using var scenario = await Scenario.StartAsync(postgres, configure: s => s["Partners:RateLimit:PerSecond"] = "1");
        var created = await CreatePartnerAsync(scenario, "Busy Bank");
        using var partner = scenario.Client(created.GetProperty("apiKey").GetString()!);
        var partnerId = created.GetProperty("id").GetString()!;
        // The whole way confirms the key, so the gate knows it from now on.
        Assert.Equal(HttpStatusCode.OK, (await partner.GetAsync("/api/v1/partner/me", Ct)).StatusCode);

        // Empty the partner's bucket in-process, then look up at once: the gate takes from the same bucket, so it hands the
        // request on and the whole way answers 429. A second may refill a token between the two; then try again.
        var limit = scenario.Host.Services.GetRequiredService<PartnerRateLimit>();
        HttpResponseMessage? limited = null;
        for (var attempt = 0; attempt < 5 && limited is null; attempt++)
        {
            while (true)
            {
                using var lease = limit.Acquire(partnerId);
                if (!lease.IsAcquired)
                    break;
            }
            var response = await partner.GetAsync(Lookup(scenario.CustomerA), Ct);
            if (response.StatusCode == HttpStatusCode.TooManyRequests)
                limited = response;
            else
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        Assert.NotNull(limited);
        Assert.Equal("rate_limited", (await limited.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("code").GetString());
        Assert.NotNull(limited.Headers.RetryAfter);
        limited.Dispose();
    }

    [Fact]
    public async Task ALookupAnsweredAtTheGate_SkipsAuthentication_ButTakesAToken()
    {
        var authenticated = new PartnerAuthentications();
        await using var scenario = await Scenario.StartAsync(postgres, configure: KeepKeysCached, services: s => s.AddSingleton<IClaimsTransformation>(authenticated));
        var created = await CreatePartnerAsync(scenario, "Bank");
        var key = created.GetProperty("apiKey").GetString()!;
        using var partner = scenario.Client(key);
        Assert.Equal(HttpStatusCode.OK, (await partner.GetAsync("/api/v1/partner/me", Ct)).StatusCode);
        Assert.True(scenario.Host.Services.GetRequiredService<PartnerKeyCache>().TryGet(key, out _));
        var limit = scenario.Host.Services.GetRequiredService<PartnerRateLimit>();
        var leasesBefore = limit.StatisticsOf(created.GetProperty("id").GetString())!.TotalSuccessfulLeases;
        var authenticationsBefore = authenticated.Count;

        for (var i = 0; i < 3; i++)
            Assert.Equal(HttpStatusCode.OK, (await partner.GetAsync(Lookup(scenario.CustomerA), Ct)).StatusCode);

        Assert.Equal(authenticationsBefore, authenticated.Count);
        Assert.Equal(leasesBefore + 3, limit.StatisticsOf(created.GetProperty("id").GetString())!.TotalSuccessfulLeases);
        // The partner's other routes still go the whole way.
        Assert.Equal(HttpStatusCode.OK, (await partner.GetAsync("/api/v1/partner/me", Ct)).StatusCode);
        Assert.Equal(authenticationsBefore + 1, authenticated.Count);
    }

    [Fact]
    public async Task AScopedKey_IsRefusedALookup_EvenOnceItsKeyIsKnown()
    {
        await using var scenario = await Scenario.StartAsync(postgres, configure: KeepKeysCached);
        var created = await CreatePartnerAsync(scenario, "CRM", ["bss"]);
        using var crm = scenario.Client(created.GetProperty("apiKey").GetString()!);

        // The first request confirms the key in the database (and caches it); the second meets the gate with it known.
        Assert.True((await crm.GetAsync("/tmf-api/productInventory/v5/product?limit=1", Ct)).IsSuccessStatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await crm.GetAsync(Lookup(scenario.CustomerA), Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await crm.GetAsync(Lookup(scenario.CustomerA), Ct)).StatusCode);
    }

    [Fact]
    public async Task ARevokedKey_IsRefusedALookup_AtOnce_ThoughTheGateKnewIt()
    {
        await using var scenario = await Scenario.StartAsync(postgres, configure: KeepKeysCached);
        using var admin = await scenario.StaffAsync("admin");
        var created = await (await admin.PostAsJsonAsync("/api/v1/admin/partners", new { name = "Pay App" }, Ct)).Content.ReadFromJsonAsync<JsonElement>(Ct);
        using var partner = scenario.Client(created.GetProperty("apiKey").GetString()!);
        Assert.Equal(HttpStatusCode.OK, (await partner.GetAsync(Lookup(scenario.CustomerA), Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await partner.GetAsync(Lookup(scenario.CustomerA), Ct)).StatusCode);

        var revoked = await admin.DeleteAsync($"/api/v1/admin/partners/{created.GetProperty("id").GetString()}/keys/{created.GetProperty("keyId").GetString()}", Ct);
        Assert.Equal(HttpStatusCode.OK, revoked.StatusCode);

        var refused = await partner.GetAsync(Lookup(scenario.CustomerA), Ct);
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task TheGatesAnswer_IsTheWholeWaysAnswer_AndIsMeteredForThePartner()
    {
        await using var scenario = await Scenario.StartAsync(postgres, configure: s => s["Partners:KeyCacheSeconds"] = "0");
        await using var cached = await Scenario.StartAsync(postgres, configure: KeepKeysCached);
        // Without the key cache every lookup goes the whole way; with it, all but the first are answered at the gate.
        var answers = new List<string>();
        foreach (var host in new[] { scenario, cached })
        {
            var created = await CreatePartnerAsync(host, "Bank");
            using var partner = host.Client(created.GetProperty("apiKey").GetString()!);
            for (var i = 0; i < 3; i++)
            {
                using var response = await partner.GetAsync($"/api/v1/reassigned-numbers/{Uri.EscapeDataString(host.CustomerA.Msisdn)}?since=2023-01-01", Ct);
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
                Assert.Equal("application/json; charset=utf-8", response.Content.Headers.ContentType?.ToString());
                var body = await response.Content.ReadFromJsonAsync<JsonElement>(Ct);
                answers.Add($"{body.GetProperty("since").GetString()} {body.GetProperty("result").GetString()}");
            }
            var usage = await partner.GetFromJsonAsync<JsonElement>("/api/v1/partner/usage", Ct);
            Assert.Equal(3, usage.GetProperty("totalQueries").GetInt64());
            Assert.Equal(3, usage.GetProperty("totalRequests").GetInt64());
        }
        Assert.Single(answers.Distinct());
    }

    /// <summary>A partner created by an admin through the API: its id, key id and API key.</summary>
    private static async Task<JsonElement> CreatePartnerAsync(Scenario scenario, string name, string[]? scopes = null)
    {
        using var admin = await scenario.StaffAsync("admin");
        using var created = await admin.PostAsJsonAsync("/api/v1/admin/partners", new { name, scopes }, Ct);
        return await created.Content.ReadFromJsonAsync<JsonElement>(Ct);
    }

    /// <summary>Counts partner authentications by the authentication middleware (it transforms every principal it authenticates).</summary>
    private sealed class PartnerAuthentications : IClaimsTransformation
    {
        private int _count;

        public int Count => Volatile.Read(ref _count);

        public Task<ClaimsPrincipal> TransformAsync(ClaimsPrincipal principal)
        {
            if (principal.HasClaim(Claims.Kind, Claims.PartnerKind))
                Interlocked.Increment(ref _count);
            return Task.FromResult(principal);
        }
    }
}
