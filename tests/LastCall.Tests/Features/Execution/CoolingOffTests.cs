using System.Net.Http.Json;
using System.Text.Json;
using LastCall.Tests.Features.Cancellations;
using LastCall.TestSupport;

namespace LastCall.Tests.Features.Execution;

/// <summary>
/// A remote cancellation waits out the cooling-off after the owner was told, so the real owner can stop one they
/// never asked for; a counter cancellation with the ID card checked runs at once.
/// </summary>
public sealed class CoolingOffTests(PostgresCluster postgres)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static async Task<Guid> SubmitAndApproveOnlineAsync(ExecutionHarness harness)
    {
        var scenario = harness.Scenario;
        var customer = await scenario.CustomerAsync(scenario.CustomerA);
        var document = await TestDocuments.UploadAsync(customer, TestDocuments.Png);
        using var submitted = await customer.PostAsJsonAsync("/api/v1/cancellations", new { msisdn = scenario.CustomerA.Msisdn, effective = "immediate", documentIds = new[] { document } }, Ct);
        submitted.EnsureSuccessStatusCode();
        var id = (await submitted.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("id").GetGuid();
        var reviewer = await scenario.StaffAsync("reviewer");
        using var approved = await reviewer.PostAsync($"/api/v1/cancellations/{id}/approve", null, Ct);
        approved.EnsureSuccessStatusCode();
        return id;
    }

    [Fact]
    public async Task OnlineApproved_WithinCoolingOff_WaitsAndCanStillBeWithdrawn()
    {
        await using var harness = await ExecutionHarness.StartAsync(postgres, configure: s => s["Policies:CoolingOffHours"] = "24");
        var id = await SubmitAndApproveOnlineAsync(harness);

        // Several worker polls go by; the request must still be approved, not executing.
        await Task.Delay(TimeSpan.FromSeconds(2), Ct);
        var waiting = await harness.WaitForStatusAsync(id, "approved", seconds: 1);
        Assert.Empty(waiting.GetProperty("steps").EnumerateArray());
        var notice = Assert.Single(await CancellationApi.MessagesAsync(harness.Scenario, harness.Scenario.CustomerA.Msisdn),
            m => m.GetProperty("template").GetString() == "cancellation_approved");
        Assert.Matches(@"\d{4}-\d{2}-\d{2} \d{2}:\d{2}", notice.GetProperty("body").GetString()!);

        var owner = await harness.Scenario.CustomerAsync(harness.Scenario.CustomerA);
        using var withdrawn = await owner.PostAsync($"/api/v1/cancellations/{id}/withdraw", null, Ct);
        withdrawn.EnsureSuccessStatusCode();
        await harness.WaitForStatusAsync(id, "withdrawn");
    }

    [Fact]
    public async Task OnlineApproved_NoCoolingOff_RunsToCompletion()
    {
        await using var harness = await ExecutionHarness.StartAsync(postgres, configure: s => s["Policies:CoolingOffHours"] = "0");
        var id = await SubmitAndApproveOnlineAsync(harness);

        var done = await harness.WaitForStatusAsync(id, "completed", seconds: 60);

        Assert.Equal("online", done.GetProperty("channel").GetString());
    }

    [Fact]
    public async Task StoreAtTheCounter_RunsAtOnce_AndTheNoticeSaysSo()
    {
        await using var harness = await ExecutionHarness.StartAsync(postgres, configure: s => s["Policies:CoolingOffHours"] = "24");
        var id = await harness.CancelAtStoreAsync(harness.Scenario.CustomerA);

        await harness.WaitForStatusAsync(id, "completed");

        var messages = await CancellationApi.MessagesAsync(harness.Scenario, harness.Scenario.CustomerA.Msisdn);
        Assert.Contains(messages, m => m.GetProperty("template").GetString() == "cancellation_executing");
        Assert.DoesNotContain(messages, m => m.GetProperty("template").GetString() == "cancellation_approved");
    }
}
