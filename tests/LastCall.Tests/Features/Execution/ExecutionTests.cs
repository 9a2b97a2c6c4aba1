using System.Net.Http.Json;
using System.Text.Json;
using LastCall.Data;
using LastCall.Domain.Lines;
using LastCall.Domain.Numbers;
using LastCall.TestSupport;
using Microsoft.EntityFrameworkCore;

namespace LastCall.Tests.Features.Execution;

/// <summary>Flow 5 end to end: a store cancellation runs every step against the simulators over HTTP, each exactly once.</summary>
public sealed class ExecutionTests(PostgresCluster postgres)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static string[] StepNames(JsonElement request) =>
        [.. request.GetProperty("steps").EnumerateArray().Select(s => s.GetProperty("name").GetString()!)];

    [Theory]
    [MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task StoreCancellation_RunsEveryStepOnce_AndLeavesTheNumberQuarantinedAndRegistered(DatabaseProvider provider)
    {
        await using var harness = await ExecutionHarness.StartAsync(postgres, provider);
        var line = harness.Scenario.CustomerA;
        await using (var db = harness.Scenario.Database.CreateContext())
            await db.Database.ExecuteSqlRawAsync("UPDATE billing_accounts SET \"Balance\" = 25.50, \"UnbilledUsage\" = 5.50", Ct);
        await harness.ReseedAsync();

        var id = await harness.CancelAtStoreAsync(line);
        var done = await harness.WaitForStatusAsync(id, "completed");

        Assert.Equal(["final_bill", "release_profiles", "deprovision_network", "disconnect", "issue_certificate"], StepNames(done));
        Assert.All(done.GetProperty("steps").EnumerateArray(), s =>
        {
            Assert.Equal("succeeded", s.GetProperty("status").GetString());
            Assert.Equal(1, s.GetProperty("attempts").GetInt32());
        });
        var bill = done.GetProperty("steps")[0].GetProperty("outcome");
        Assert.Equal(5.50m, bill.GetProperty("finalBill").GetDecimal());
        Assert.Equal(20.00m, bill.GetProperty("refund").GetDecimal());
        Assert.StartsWith("LC-", done.GetProperty("certificateNumber").GetString(), StringComparison.Ordinal);

        var account = await harness.Backends.GetFromJsonAsync<JsonElement>($"simulator/billing/accounts/{ExecutionHarness.Escape(line.Msisdn)}", Ct);
        var ledger = account.GetProperty("ledger").EnumerateArray().Select(e => e.GetProperty("kind").GetString()).ToList();
        Assert.Equal(1, ledger.Count(k => k == "FinalBill"));
        Assert.Equal(1, ledger.Count(k => k == "Refund"));
        var subscription = await harness.Backends.GetFromJsonAsync<JsonElement>($"simulator/network/subscriptions/{ExecutionHarness.Escape(line.Msisdn)}", Ct);
        Assert.Equal("Deprovisioned", subscription.GetProperty("state").GetString());
        Assert.Equal(1, subscription.GetProperty("history").EnumerateArray().Count(h => h.GetProperty("operation").GetString() == "deprovision"));

        await using var check = harness.Scenario.Database.CreateContext();
        var lineRow = await check.Lines.AsNoTracking().SingleAsync(l => l.Id == check.CancellationRequests.Single(r => r.Id == id).LineId, Ct);
        Assert.Equal(LineStatus.Cancelled, lineRow.Status);
        Assert.All(lineRow.Profiles, p => Assert.Equal(ProfileState.Unavailable, p.State));
        foreach (var profile in lineRow.Profiles)
        {
            // An installed profile cannot be cancelled at the SM-DP+ (8.2.1/3.3): asked once, retired on our side.
            var atSmdp = await harness.Smdp.GetFromJsonAsync<JsonElement>($"simulator/profiles/{profile.Iccid.Value}", Ct);
            Assert.Equal(1, atSmdp.GetProperty("history").EnumerateArray().Count(h => h.GetProperty("function").GetString() == "cancelOrder"));
        }
        var number = await check.PoolNumbers.AsNoTracking().SingleAsync(n => n.Msisdn == lineRow.Msisdn, Ct);
        Assert.Equal(NumberState.Quarantined, number.State);
        Assert.Equal(1, await check.Disconnections.CountAsync(d => d.Msisdn == lineRow.Msisdn, Ct));
        Assert.Equal(1, await check.OutboxEvents.CountAsync(e => e.Type == "number.disconnected", Ct));
        Assert.Equal(1, await check.Certificates.CountAsync(c => c.RequestId == id, Ct));
    }

    [Fact]
    public async Task SmdpDown_StepRetriesWithBackoff_ThenCompletesWithOneRelease()
    {
        await using var harness = await ExecutionHarness.StartAsync(postgres);
        (await harness.Smdp.PutAsJsonAsync("simulator/behaviour", new { down = true }, Ct)).EnsureSuccessStatusCode();

        var id = await harness.CancelAtStoreAsync(harness.Scenario.CustomerB);
        var retrying = await harness.WaitForAsync(id, r => r.GetProperty("steps").EnumerateArray().Any(s => s.GetProperty("name").GetString() == "release_profiles" && s.GetProperty("attempts").GetInt32() >= 2));
        Assert.Equal("executing", retrying.GetProperty("status").GetString());
        Assert.False(string.IsNullOrEmpty(retrying.GetProperty("steps")[1].GetProperty("lastError").GetString()));

        (await harness.Smdp.PutAsJsonAsync("simulator/behaviour", new { down = false }, Ct)).EnsureSuccessStatusCode();
        var done = await harness.WaitForStatusAsync(id, "completed");

        Assert.True(done.GetProperty("steps")[1].GetProperty("attempts").GetInt32() >= 2);
        await using var db = harness.Scenario.Database.CreateContext();
        var lineId = await db.CancellationRequests.Where(r => r.Id == id).Select(r => r.LineId).SingleAsync(Ct);
        var iccid = (await db.EsimProfiles.AsNoTracking().FirstAsync(p => p.LineId == lineId, Ct)).Iccid.Value;
        var profile = await harness.Smdp.GetFromJsonAsync<JsonElement>($"simulator/profiles/{iccid}", Ct);
        Assert.Equal(1, profile.GetProperty("history").EnumerateArray().Count(h => h.GetProperty("function").GetString() == "cancelOrder"));
    }

    [Fact]
    public async Task BillingRefusal_FailsTheRequest_SupervisorRetryAfterTheFixCompletes()
    {
        await using var harness = await ExecutionHarness.StartAsync(postgres);
        var line = harness.Scenario.CustomerB;
        (await harness.Backends.PutAsJsonAsync($"simulator/billing/accounts/{ExecutionHarness.Escape(line.Msisdn)}", new { currency = "CNY", balance = 0, arrears = 9.90 }, Ct)).EnsureSuccessStatusCode();

        var id = await harness.CancelAtStoreAsync(line);
        var failed = await harness.WaitForStatusAsync(id, "failed");
        var step = failed.GetProperty("steps")[0];
        Assert.Equal("failed", step.GetProperty("status").GetString());
        Assert.Contains("arrears_outstanding", step.GetProperty("lastError").GetString(), StringComparison.Ordinal);

        var customer = await harness.Scenario.CustomerAsync(line);
        using var tooLate = await customer.PostAsync($"/api/v1/cancellations/{id}/withdraw", null, Ct);
        Assert.Equal(System.Net.HttpStatusCode.Conflict, tooLate.StatusCode);

        (await harness.Backends.PutAsJsonAsync($"simulator/billing/accounts/{ExecutionHarness.Escape(line.Msisdn)}", new { currency = "CNY", balance = 0, arrears = 0 }, Ct)).EnsureSuccessStatusCode();
        var supervisor = await harness.Scenario.StaffAsync("supervisor");
        using var retried = await supervisor.PostAsync($"/api/v1/cancellations/{id}/retry", null, Ct);
        retried.EnsureSuccessStatusCode();
        var done = await harness.WaitForStatusAsync(id, "completed");
        Assert.Contains(done.GetProperty("history").EnumerateArray(), h => h.GetProperty("reason").GetString() == "retry");
    }
}
