using System.Diagnostics;
using LastCall.Data;
using LastCall.TestSupport;

namespace LastCall.Tests.Features.Execution;

/// <summary>
/// Two host processes share one PostgreSQL database and the store's work: each request runs once, on one of them, and
/// no call reaches a simulator twice.
/// </summary>
public sealed class TwoHostProcessTests(PostgresCluster postgres)
{
    private static void Log(string message) => TestContext.Current.TestOutputHelper?.WriteLine($"{DateTime.UtcNow:HH:mm:ss.fff} {message}");

    /// <summary>
    /// Nothing dies in the two-host test, so no lease needs to run out: with the crash tests' 3 s a batch slowed by a
    /// busy machine can outlast its lease between renewals, and the other instance then rightly takes it over.
    /// </summary>
    private const int LongLease = 60;

    [Fact]
    public async Task TwoHostProcesses_OnePostgres_ShareTheWorkWithoutRunningAnythingTwice()
    {
        const int n = 40;
        var clock = Stopwatch.StartNew();
        await using var fleet = await CrashFleet.StartAsync(postgres, DatabaseProvider.Postgres, n);
        await using var hosts = new HostGroup();
        var started = await Task.WhenAll(hosts.StartAsync("host-a", fleet.HostSettings(LongLease)), hosts.StartAsync("host-b", fleet.HostSettings(LongLease)));
        var (a, b) = (started[0], started[1]);
        Log($"hosts ready after {clock.ElapsedMilliseconds} ms: host-a pid {a.Pid}, host-b pid {b.Pid}");

        // Half the store's clerks work against each instance, at the same time.
        await Task.WhenAll(fleet.SubmitAsync(a, fleet.Lines.Take(n / 2)), fleet.SubmitAsync(b, fleet.Lines.Skip(n / 2)));
        var done = await fleet.WaitForAsync(p => p.Completed == n, TimeSpan.FromSeconds(60), hosts.Diagnostics, pollMilliseconds: 50);
        Log($"all {n} completed after {clock.ElapsedMilliseconds} ms: {done}");
        Assert.False(a.HasExited || b.HasExited, "a host process died");

        await fleet.AssertEverythingHappenedExactlyOnceAsync();

        // Nothing ran twice: no step was ever begun a second time, no request was started twice, and no
        // call reached a simulator twice (not even one answered from its replay store).
        await using (var db = fleet.Database.CreateContext())
            Assert.All(db.ExecutionSteps.Select(s => new { s.RequestId, s.Name, s.Attempts }).ToList(), s => Assert.Equal(1, s.Attempts));
        var replays = await fleet.ReplaysAsync();
        Assert.Equal((0, 0), replays);

        // Both instances did work: the worker that started each request is in its execution_started audit entry.
        var executionsStarted = (await fleet.AuditByRequestAsync()).Where(e => e.Action == "cancellation.execution_started").ToList();
        Assert.Equal(n, executionsStarted.Count);
        var byWorker = executionsStarted.GroupBy(e => e.Worker!).ToDictionary(g => g.Key, g => g.Count());
        Log("requests started per worker: " + string.Join(", ", byWorker.Select(kv => $"{kv.Key} {kv.Value}")));
        Assert.Equal(2, byWorker.Count);
        Assert.Contains(byWorker.Keys, w => w.Contains($":{a.Pid}:", StringComparison.Ordinal));
        Assert.Contains(byWorker.Keys, w => w.Contains($":{b.Pid}:", StringComparison.Ordinal));

        Log($"{await fleet.AssertAuditChainIntactAsync()}; test took {clock.ElapsedMilliseconds} ms");
    }

}
