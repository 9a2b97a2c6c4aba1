using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.RegularExpressions;
using LastCall.Data;
using LastCall.Tests.Features.Cancellations;
using LastCall.TestSupport;
using Microsoft.EntityFrameworkCore;

namespace LastCall.Tests.Features.Tmf;

/// <summary>
/// The <c>bss</c> scope on both providers: a bss key reaches the TM Forum routes and nothing else (partner routes,
/// lookups, CAMARA, customer and staff routes: 403), every other caller is refused on the TM Forum routes with TM
/// Forum's error body; scoped partners come from the admin API and from <c>lastcall partners add --scope bss</c>.
/// </summary>
public sealed partial class TmfAccessTests(PostgresCluster postgres)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task BssKeys_ReachOnlyTheTmfRoutes_AndEveryoneElseIsRefusedThere(DatabaseProvider provider)
    {
        await using var h = await TmfHarness.StartAsync(postgres, provider);
        var a = h.Scenario.CustomerA.Msisdn;

        Assert.Equal(HttpStatusCode.OK, (await h.Bss.GetAsync(TmfHarness.ProductPath, Ct)).StatusCode);
        foreach (var (method, path, body) in new (HttpMethod, string, object?)[]
        {
            (HttpMethod.Get, "/api/v1/partner/me", null),
            (HttpMethod.Get, "/api/v1/partner/watchlist", null),
            (HttpMethod.Put, $"/api/v1/partner/watchlist/{Uri.EscapeDataString(a)}", null),
            (HttpMethod.Put, "/api/v1/partner/webhook", new { url = "https://crm.example.com/hooks" }),
            (HttpMethod.Get, "/api/v1/partner/deliveries", null),
            (HttpMethod.Get, $"/api/v1/reassigned-numbers/{Uri.EscapeDataString(a)}?since=2023-01-01", null),
            (HttpMethod.Post, "/api/v1/reassigned-numbers/query", new { queries = new[] { new { msisdn = a, since = "2023-01-01" } } }),
            (HttpMethod.Get, $"/api/v1/lines/{Uri.EscapeDataString(a)}", null),
            (HttpMethod.Post, "/api/v1/cancellations", new { msisdn = a }),
            (HttpMethod.Get, "/api/v1/review-queue", null),
        })
        {
            var refused = await CancellationApi.SendAsync(h.Bss, method, path, body);
            Assert.True(refused.Status == HttpStatusCode.Forbidden, $"bss {method} {path}: {(int)refused.Status} {refused.Body}");
        }
        var camara = await CancellationApi.PostAsync(h.Bss, "/number-recycling/v0.2/check", new { phoneNumber = a, specifiedDate = "2023-01-01" });
        Assert.Equal((HttpStatusCode.Forbidden, "PERMISSION_DENIED"), (camara.Status, camara.Code));
        // The ordinary partner still reaches its own routes.
        Assert.Equal(HttpStatusCode.OK, (await h.Partner.GetAsync("/api/v1/partner/me", Ct)).StatusCode);

        using var admin = await h.Scenario.StaffAsync("admin");
        using var anonymous = h.Scenario.Host.CreateClient();
        using var madeUp = h.Scenario.Client("lcp_" + Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_'));
        var customer = await h.Host.CustomerAsync(h.Scenario.CustomerA);
        foreach (var (who, client, status, code) in new[]
        {
            ("partner", h.Partner, HttpStatusCode.Forbidden, "forbidden"), ("admin", admin, HttpStatusCode.Forbidden, "forbidden"),
            ("customer", customer, HttpStatusCode.Forbidden, "forbidden"), ("anonymous", anonymous, HttpStatusCode.Unauthorized, "unauthorized"),
            ("made-up key", madeUp, HttpStatusCode.Unauthorized, "unauthorized"),
        })
        {
            foreach (var (method, path) in new[]
            {
                (HttpMethod.Get, TmfHarness.ProductPath), (HttpMethod.Get, $"{TmfHarness.ProductPath}/{Guid.NewGuid()}"),
                (HttpMethod.Post, TmfHarness.OrderPath), (HttpMethod.Get, $"{TmfHarness.OrderPath}/{Guid.NewGuid()}"),
                (HttpMethod.Post, TmfHarness.HubPath), (HttpMethod.Delete, $"{TmfHarness.HubPath}/{Guid.NewGuid()}"),
            })
            {
                var refused = await CancellationApi.SendAsync(client, method, path, method == HttpMethod.Post ? new { } : null);
                Assert.True(refused.Status == status && refused.Code == code, $"{who} {method} {path}: {(int)refused.Status} {refused.Body}");
                TmfSchemas.AssertValid(TmfSchemas.ProductInventory, "Error", refused.Body);
            }
        }

        // The admin sees the scopes; a scope that does not exist is refused.
        var partners = JsonDocument.Parse(await admin.GetStringAsync("/api/v1/admin/partners", Ct)).RootElement.EnumerateArray().ToList();
        Assert.Equal(["bss"], partners.Single(p => p.GetProperty("name").GetString() == "CRM").GetProperty("scopes").EnumerateArray().Select(s => s.GetString()));
        Assert.Empty(partners.Single(p => p.GetProperty("name").GetString() == "Bank of Tests").GetProperty("scopes").EnumerateArray());
        var bad = await CancellationApi.PostAsync(admin, "/api/v1/admin/partners", new { name = "Nope", scopes = new[] { "root" } });
        Assert.Equal((HttpStatusCode.BadRequest, "invalid_scope"), (bad.Status, bad.Code));
        await using var db = h.Host.Database.CreateContext();
        Assert.False(await db.Partners.AnyAsync(p => p.Name == "Nope", Ct));
        var created = await db.AuditEvents.AsNoTracking().Where(e => e.Action == "partner.created" && e.Subject == h.BssId.ToString()).SingleAsync(Ct);
        Assert.Contains("\"scopes\":[\"bss\"]", created.After, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task PartnersAdd_WithScopeBss_PrintsAKeyThatReachesOnlyTheTmfRoutes(DatabaseProvider provider)
    {
        using var database = await TestDatabase.CreateAsync(provider, postgres);

        var result = await RunAsync(database, "partners", "add", "--name", "CRM", "--scope", "bss");
        var refused = await RunAsync(database, "partners", "add", "--name", "Nope", "--scope", "root");

        Assert.True(result.ExitCode == 0, result.Output + result.Error);
        Assert.Contains("scope bss", result.Output, StringComparison.Ordinal);
        Assert.Equal(1, refused.ExitCode);
        Assert.Contains("invalid_scope", refused.Error, StringComparison.Ordinal);
        await using (var db = database.CreateContext())
            Assert.Equal(["bss"], await db.Partners.Where(p => p.Name == "CRM").Select(p => p.Scopes).SingleAsync(Ct));

        using var host = TestHost.Start(database.HostSettings());
        using var crm = host.CreateClient();
        crm.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", ApiKeyPattern().Match(result.Output).Value);
        Assert.Equal(HttpStatusCode.OK, (await crm.GetAsync(TmfHarness.ProductPath, Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await crm.GetAsync("/api/v1/partner/me", Ct)).StatusCode);
    }

    private static Task<LastCallProcess.Result> RunAsync(TestDatabase database, params string[] verb)
    {
        string[] settings = database.Provider == DatabaseProvider.Postgres
            ? ["--Database:Provider", "Postgres", "--ConnectionStrings:LastCall", database.ConnectionString, "--Security:MasterKey", database.MasterKey, "--DataFolder", database.DataFolder]
            : ["--DataFolder", database.DataFolder, "--Security:MasterKey", database.MasterKey];
        return LastCallProcess.RunInProcessAsync(database.DataFolder, null, [.. verb, .. settings]);
    }

    [GeneratedRegex(@"lcp_[A-Za-z0-9_\-]+")]
    private static partial Regex ApiKeyPattern();
}
