using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using LastCall.Data;
using LastCall.TestSupport;
using Microsoft.EntityFrameworkCore;

namespace LastCall.Tests.Features.Execution;

/// <summary>A contract ended early: the fee the customer accepted is recorded, audited and billed with the final bill, once.</summary>
public sealed class EarlyExitFeeTests(PostgresCluster postgres)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static async Task PutUnderContractAsync(ExecutionHarness harness, TestLine line, decimal balance)
    {
        // Ends in about three months in any time zone: 3 or 4 whole months left, a started month counting fully.
        var endsOn = DateOnly.FromDateTime(DateTime.UtcNow).AddDays(75);
        await using (var db = harness.Scenario.Database.CreateContext())
        {
            await db.Database.ExecuteSqlRawAsync("UPDATE lines SET \"ContractEndsOn\" = {0} WHERE \"Msisdn\" = {1}", [endsOn, line.Msisdn], Ct);
            await db.Database.ExecuteSqlRawAsync("UPDATE billing_accounts SET \"Balance\" = {0}, \"UnbilledUsage\" = 10.00 WHERE \"LineId\" = (SELECT \"Id\" FROM lines WHERE \"Msisdn\" = {1})", [balance, line.Msisdn], Ct);
        }
        await harness.ReseedAsync();
    }

    private static async Task<HttpResponseMessage> CancelAtStoreAsync(ExecutionHarness harness, TestLine line, bool acceptFee)
    {
        var clerk = await harness.Scenario.StaffAsync("clerk");
        return await clerk.PostAsJsonAsync("/api/v1/cancellations",
            new { msisdn = line.Msisdn, acceptEarlyExitFee = acceptFee, identityCheck = new { method = "in_person_id", idNumber = line.IdNumber } }, Ct);
    }

    [Theory]
    [MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task AcceptedFee_IsRecordedAuditedAndBilledOnceWithTheFinalBill(DatabaseProvider provider)
    {
        await using var harness = await ExecutionHarness.StartAsync(postgres, provider);
        var line = harness.Scenario.CustomerA;
        await PutUnderContractAsync(harness, line, balance: 500.00m);
        var precheck = await (await harness.Scenario.StaffAsync("clerk")).GetFromJsonAsync<JsonElement>($"/api/v1/lines/{ExecutionHarness.Escape(line.Msisdn)}/precheck", Ct);
        var blocker = Assert.Single(precheck.GetProperty("blockers").EnumerateArray(), b => b.GetProperty("code").GetString() == "contract_commitment");

        using var submitted = await CancelAtStoreAsync(harness, line, acceptFee: true);
        Assert.Equal(HttpStatusCode.Created, submitted.StatusCode);
        var id = (await submitted.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("id").GetGuid();
        var done = await harness.WaitForStatusAsync(id, "completed");

        var fee = done.GetProperty("earlyExitFee").GetDecimal();
        Assert.True(fee is 90.00m or 120.00m, $"3 or 4 months at 30.00, not {fee}");
        Assert.Contains(fee.ToString("0.00", System.Globalization.CultureInfo.InvariantCulture), blocker.GetRawText(), StringComparison.Ordinal);
        var outcome = done.GetProperty("steps")[0].GetProperty("outcome");
        Assert.Equal(fee + 10.00m, outcome.GetProperty("finalBill").GetDecimal());
        Assert.Equal(fee, outcome.GetProperty("earlyExitFee").GetDecimal());
        Assert.Equal(500.00m - 10.00m - fee, outcome.GetProperty("refund").GetDecimal());

        var account = await harness.Backends.GetFromJsonAsync<JsonElement>($"simulator/billing/accounts/{ExecutionHarness.Escape(line.Msisdn)}", Ct);
        var finalBills = account.GetProperty("ledger").EnumerateArray().Where(e => e.GetProperty("kind").GetString() == "FinalBill").ToList();
        Assert.Equal(fee + 10.00m, Assert.Single(finalBills).GetProperty("amount").GetDecimal());

        await using var db = harness.Scenario.Database.CreateContext();
        var audited = await db.AuditEvents.AsNoTracking().SingleAsync(e => e.Action == "cancellation.submitted", Ct);
        Assert.Contains("earlyExitFee", audited.After, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task FeeNotAccepted_IsRefusedWithTheContractBlocker_AndNothingIsCreated()
    {
        await using var harness = await ExecutionHarness.StartAsync(postgres, configure: s => s["Execution:Enabled"] = "false");
        var line = harness.Scenario.CustomerA;
        await PutUnderContractAsync(harness, line, balance: 0m);

        using var refused = await CancelAtStoreAsync(harness, line, acceptFee: false);

        Assert.Equal(HttpStatusCode.UnprocessableEntity, refused.StatusCode);
        var problem = await refused.Content.ReadFromJsonAsync<JsonElement>(Ct);
        Assert.Equal("not_eligible", problem.GetProperty("code").GetString());
        Assert.Contains(problem.GetProperty("blockers").EnumerateArray(), b => b.GetProperty("code").GetString() == "contract_commitment");
        await using var db = harness.Scenario.Database.CreateContext();
        Assert.Equal(0, await db.CancellationRequests.CountAsync(Ct));
    }

    [Fact]
    public async Task FeeLargerThanTheBalance_LeavesTheRestDueAfterCancellation()
    {
        await using var harness = await ExecutionHarness.StartAsync(postgres);
        var line = harness.Scenario.CustomerA;
        await PutUnderContractAsync(harness, line, balance: 20.00m);

        using var submitted = await CancelAtStoreAsync(harness, line, acceptFee: true);
        var id = (await submitted.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("id").GetGuid();
        var done = await harness.WaitForStatusAsync(id, "completed");

        var fee = done.GetProperty("earlyExitFee").GetDecimal();
        var outcome = done.GetProperty("steps")[0].GetProperty("outcome");
        Assert.Equal(0m, outcome.GetProperty("refund").GetDecimal());
        Assert.Equal(fee + 10.00m - 20.00m, outcome.GetProperty("amountDue").GetDecimal());
        var bills = await (await harness.Scenario.StaffAsync("supervisor")).GetFromJsonAsync<JsonElement>($"/api/v1/lines/{ExecutionHarness.Escape(line.Msisdn)}/bills", Ct);
        var final = Assert.Single(bills.GetProperty("bills").EnumerateArray(), b => b.GetProperty("kind").GetString() == "final");
        Assert.Equal("unpaid", final.GetProperty("status").GetString());
    }
}
