using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using LastCall.Data;
using LastCall.TestSupport;
using Microsoft.EntityFrameworkCore;

namespace LastCall.Tests.Features.Lines;

/// <summary>GET /api/v1/lines/{msisdn}/bills: the billing system's bills over real HTTP, per-object access, the final bill after cancelling.</summary>
public sealed class BillsTests(PostgresCluster postgres)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static string Path(TestLine line) => $"/api/v1/lines/{Uri.EscapeDataString(line.Msisdn)}/bills";

    [Theory]
    [MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task Owner_SeesMonthlyBillsNewestFirst_ArrearsAsTheUnpaidLatest_AndAStrangerSeesNothing(DatabaseProvider provider)
    {
        await using var harness = await ExecutionHarness.StartAsync(postgres, provider, s => s["Execution:Enabled"] = "false");
        var scenario = harness.Scenario;
        await using (var db = scenario.Database.CreateContext())
        {
            await db.Database.ExecuteSqlRawAsync("UPDATE lines SET \"ActivatedOn\" = {0} WHERE \"Msisdn\" = {1}", [new DateOnly(2020, 1, 15), scenario.CustomerA.Msisdn], Ct);
            await db.Database.ExecuteSqlRawAsync("UPDATE billing_accounts SET \"Arrears\" = 42.50 WHERE \"LineId\" = (SELECT \"Id\" FROM lines WHERE \"Msisdn\" = {0})", [scenario.CustomerA.Msisdn], Ct);
        }
        await harness.ReseedAsync();
        var owner = await scenario.CustomerAsync(scenario.CustomerA);

        var bills = await owner.GetFromJsonAsync<JsonElement>(Path(scenario.CustomerA), Ct);

        Assert.Equal(scenario.CustomerA.Msisdn, bills.GetProperty("msisdn").GetString());
        var items = bills.GetProperty("bills").EnumerateArray().ToList();
        Assert.Equal(12, items.Count);
        var issued = items.Select(b => b.GetProperty("issuedOn").GetString()!).ToList();
        Assert.Equal(issued.OrderDescending(StringComparer.Ordinal), issued);
        Assert.Equal("unpaid", items[0].GetProperty("status").GetString());
        Assert.Equal(42.50m, items[0].GetProperty("amount").GetDecimal());
        Assert.All(items.Skip(1), b => Assert.Equal("paid", b.GetProperty("status").GetString()));
        Assert.All(items, b => Assert.Equal("monthly", b.GetProperty("kind").GetString()));

        var stranger = await scenario.CustomerAsync(scenario.CustomerB);
        var refused = await stranger.GetAsync(Path(scenario.CustomerA), Ct);
        Assert.Equal(HttpStatusCode.NotFound, refused.StatusCode);
        Assert.Equal("line_not_found", (await refused.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("code").GetString());
    }

    [Fact]
    public async Task AfterCancellation_TheFinalBillIsListed_AndStaffViewsAreAudited()
    {
        await using var harness = await ExecutionHarness.StartAsync(postgres);
        var scenario = harness.Scenario;
        await using (var db = scenario.Database.CreateContext())
            await db.Database.ExecuteSqlRawAsync("UPDATE billing_accounts SET \"Balance\" = 20.00, \"UnbilledUsage\" = 7.30", Ct);
        await harness.ReseedAsync();
        var id = await harness.CancelAtStoreAsync(scenario.CustomerA);
        await harness.WaitForStatusAsync(id, "completed");
        var supervisor = await scenario.StaffAsync("supervisor");

        // A cancelled line is still the customer's history: staff read it by number.
        var bills = await supervisor.GetFromJsonAsync<JsonElement>(Path(scenario.CustomerA), Ct);

        var final = Assert.Single(bills.GetProperty("bills").EnumerateArray(), b => b.GetProperty("kind").GetString() == "final");
        Assert.Equal(7.30m, final.GetProperty("amount").GetDecimal());
        Assert.Equal("paid", final.GetProperty("status").GetString());
        await using var check = scenario.Database.CreateContext();
        Assert.Equal(1, await check.AuditEvents.CountAsync(e => e.Action == "line.bills_viewed", Ct));
    }

    [Fact]
    public async Task BillingSystemDown_Returns503WithRetryAfter()
    {
        await using var harness = await ExecutionHarness.StartAsync(postgres, configure: s => s["Execution:Enabled"] = "false");
        using (var down = await harness.Backends.PutAsJsonAsync("simulator/behaviour/billing", new { down = true }, Ct))
            down.EnsureSuccessStatusCode();
        var owner = await harness.Scenario.CustomerAsync(harness.Scenario.CustomerA);

        var response = await owner.GetAsync(Path(harness.Scenario.CustomerA), Ct);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.NotNull(response.Headers.RetryAfter);
        Assert.Equal("billing_unavailable", (await response.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("code").GetString());
    }
}
