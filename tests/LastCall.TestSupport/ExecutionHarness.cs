using System.Net.Http.Json;
using System.Text.Json;
using LastCall.Data;
using LastCall.Hosting;
using Microsoft.Extensions.DependencyInjection;

namespace LastCall.TestSupport;

/// <summary>
/// A scenario whose host runs the execution workers against its embedded simulators (SM-DP+, billing,
/// network on loopback HTTP), polling fast so tests wait seconds, not minutes.
/// </summary>
public sealed class ExecutionHarness : IAsyncDisposable
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private ExecutionHarness(Scenario scenario, HttpClient smdp, HttpClient backends)
    {
        Scenario = scenario;
        Smdp = smdp;
        Backends = backends;
    }

    public Scenario Scenario { get; }

    /// <summary>The SM-DP+ simulator's admin API (<c>/simulator/…</c>).</summary>
    public HttpClient Smdp { get; }

    /// <summary>The billing and network simulators' admin API.</summary>
    public HttpClient Backends { get; }

    public static async Task<ExecutionHarness> StartAsync(PostgresCluster postgres, DatabaseProvider provider = DatabaseProvider.Sqlite,
        Action<Dictionary<string, string?>>? configure = null, Action<IServiceCollection>? services = null)
    {
        var scenario = await Scenario.StartAsync(postgres, provider, s =>
        {
            FastExecution(s);
            configure?.Invoke(s);
        }, services);
        var simulators = scenario.Host.Services.GetRequiredService<EmbeddedSimulators>();
        return new ExecutionHarness(scenario, new HttpClient { BaseAddress = new Uri(simulators.SmdpBaseUrl!) }, new HttpClient { BaseAddress = new Uri(simulators.BackendsBaseUrl!) });
    }

    /// <summary>Execution on, with the embedded simulators, polling and retrying within a test's patience.</summary>
    public static void FastExecution(Dictionary<string, string?> s)
    {
        s["Execution:Enabled"] = "true";
        s["Simulators:Embedded"] = "true";
        s["Execution:PollMilliseconds"] = "100";
        s["Execution:FirstRetryDelayMilliseconds"] = "200";
        s["Execution:LongestRetryDelaySeconds"] = "1";
        s["Smdp:TimeoutSeconds"] = "2";
        s["Smdp:MaxRetryAttempts"] = "1";
    }

    /// <summary>Tells the simulators again what the database now holds (after a test changed it).</summary>
    public Task ReseedAsync() => Scenario.Host.Services.GetRequiredService<EmbeddedSimulators>().SeedAsync(Ct);

    public static string Escape(string msisdn) => Uri.EscapeDataString(msisdn);

    /// <summary>A clerk cancels a line on the spot (in-person check of the owner's ID).</summary>
    public async Task<Guid> CancelAtStoreAsync(TestLine line)
    {
        var clerk = await Scenario.StaffAsync("clerk");
        using var response = await clerk.PostAsJsonAsync("/api/v1/cancellations", new { msisdn = line.Msisdn, identityCheck = new { method = "in_person_id", idNumber = line.IdNumber } }, Ct);
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("id").GetGuid();
    }

    /// <summary>Polls the request until <paramref name="done"/> holds, or fails after the timeout.</summary>
    public async Task<JsonElement> WaitForAsync(Guid id, Func<JsonElement, bool> done, int seconds = 30)
    {
        var supervisor = await Scenario.StaffAsync("supervisor");
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        JsonElement last = default;
        while (DateTime.UtcNow < deadline)
        {
            last = await supervisor.GetFromJsonAsync<JsonElement>($"/api/v1/cancellations/{id}", Ct);
            if (done(last))
                return last;
            await Task.Delay(100, Ct);
        }
        throw new TimeoutException($"Cancellation {id} did not get there in {seconds} s; last seen: {last}");
    }

    public Task<JsonElement> WaitForStatusAsync(Guid id, string status, int seconds = 30) =>
        WaitForAsync(id, r => r.GetProperty("status").GetString() == status, seconds);

    public async ValueTask DisposeAsync()
    {
        Smdp.Dispose();
        Backends.Dispose();
        await Scenario.DisposeAsync();
    }
}
