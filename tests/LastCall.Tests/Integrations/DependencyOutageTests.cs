using System.Net.Http.Json;
using System.Text.Json;
using LastCall.Data;
using LastCall.Features.Supervision;
using LastCall.Hosting;
using LastCall.TestSupport;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace LastCall.Tests.Integrations;

/// <summary>
/// The billing system, then the SM-DP+, down for longer than the retry budget: the request does not fail. It waits,
/// visibly (<c>waiting_for_dependency</c> with the system and its answer, on the supervisor dashboard too), the
/// circuit breaker keeps the tries from reaching the dead system, and it goes on by itself when the system answers.
/// </summary>
public sealed class DependencyOutageTests(PostgresCluster postgres)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static void ShortBudget(Dictionary<string, string?> s)
    {
        s["Execution:MaxAttempts"] = "3";
        s["Execution:DependencyRetrySeconds"] = "0.3";
        foreach (var system in new[] { "BillingSystem", "Smdp" })
        {
            s[$"{system}:TimeoutSeconds"] = "1";
            s[$"{system}:MaxRetryAttempts"] = "1";
            s[$"{system}:RetryBaseDelaySeconds"] = "0.05";
            s[$"{system}:CircuitMinimumThroughput"] = "2";
            s[$"{system}:CircuitSamplingDurationSeconds"] = "10";
            s[$"{system}:CircuitBreakDurationSeconds"] = "2";
        }
    }

    [Theory]
    [MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task BillingThenSmdpDownBeyondTheRetryBudget_RequestWaits_ThenCompletesByItself(DatabaseProvider provider)
    {
        await using var harness = await ExecutionHarness.StartAsync(postgres, provider, ShortBudget);
        (await harness.Backends.PutAsJsonAsync("simulator/behaviour/billing", new { down = true }, Ct)).EnsureSuccessStatusCode();
        (await harness.Smdp.PutAsJsonAsync("simulator/behaviour", new { down = true }, Ct)).EnsureSuccessStatusCode();

        var id = await harness.CancelAtStoreAsync(harness.Scenario.CustomerB);
        var waiting = await harness.WaitForAsync(id, r => WaitingFor(r) == "billing" && Step(r, "final_bill").GetProperty("attempts").GetInt32() >= 10);
        Assert.Equal("waiting_for_dependency", waiting.GetProperty("status").GetString());
        Assert.Contains("billing", waiting.GetProperty("waitingFor").GetProperty("reason").GetString(), StringComparison.Ordinal);
        Assert.Contains(waiting.GetProperty("history").EnumerateArray(), h => h.GetProperty("status").GetString() == "waiting_for_dependency");

        // The breaker: far fewer calls reached the billing system than the step was tried.
        var attempts = Step(waiting, "final_bill").GetProperty("attempts").GetInt32();
        var calls = (await harness.Backends.GetFromJsonAsync<JsonElement>("simulator/calls?system=billing", Ct)).GetArrayLength();
        Assert.True(calls < attempts, $"{calls} calls reached the billing system for {attempts} attempts: the circuit never opened");

        // Supervisors see it, with the system it waits for.
        await using (var db = harness.Scenario.Database.CreateContext())
        {
            var dashboard = await new SupervisorDashboard(db, harness.Scenario.Host.Services.GetRequiredService<PolicySettings>(), TimeProvider.System).ComputeAsync(Ct);
            var row = Assert.Single(dashboard.Waiting);
            Assert.Equal((id, "billing"), (row.Id, row.Dependency));
        }

        // Billing answers again: the request moves on to the SM-DP+, still down, and waits for that.
        (await harness.Backends.PutAsJsonAsync("simulator/behaviour/billing", new { down = false }, Ct)).EnsureSuccessStatusCode();
        var atSmdp = await harness.WaitForAsync(id, r => WaitingFor(r) == "smdp");
        Assert.Equal("succeeded", Step(atSmdp, "final_bill").GetProperty("status").GetString());

        (await harness.Smdp.PutAsJsonAsync("simulator/behaviour", new { down = false }, Ct)).EnsureSuccessStatusCode();
        var done = await harness.WaitForStatusAsync(id, "completed");
        var history = done.GetProperty("history").EnumerateArray().Select(h => (Status: h.GetProperty("status").GetString(), Reason: h.TryGetProperty("reason", out var r) ? r.GetString() : null)).ToList();
        Assert.Equal(2, history.Count(h => h.Status == "waiting_for_dependency"));
        Assert.Equal(2, history.Count(h => h.Status == "executing" && h.Reason == "dependency_answered"));

        // Released once at the SM-DP+, billed once, and the audit trail tells the story.
        await using var check = harness.Scenario.Database.CreateContext();
        var lineId = await check.CancellationRequests.Where(r => r.Id == id).Select(r => r.LineId).SingleAsync(Ct);
        foreach (var profile in await check.EsimProfiles.AsNoTracking().Where(p => p.LineId == lineId).ToListAsync(Ct))
        {
            var atSmdpSimulator = await harness.Smdp.GetFromJsonAsync<JsonElement>($"simulator/profiles/{profile.Iccid.Value}", Ct);
            Assert.Equal(1, atSmdpSimulator.GetProperty("history").EnumerateArray().Count(h => h.GetProperty("function").GetString() == "cancelOrder"));
        }
        Assert.Equal(2, await check.AuditEvents.CountAsync(e => e.Action == "cancellation.waiting_for_dependency", Ct));
        Assert.Equal(2, await check.AuditEvents.CountAsync(e => e.Action == "cancellation.resumed", Ct));
    }

    private static string? WaitingFor(JsonElement request) =>
        request.GetProperty("status").GetString() == "waiting_for_dependency" && request.GetProperty("waitingFor").ValueKind == JsonValueKind.Object
            ? request.GetProperty("waitingFor").GetProperty("dependency").GetString()
            : null;

    private static JsonElement Step(JsonElement request, string name) =>
        request.GetProperty("steps").EnumerateArray().Single(s => s.GetProperty("name").GetString() == name);
}
