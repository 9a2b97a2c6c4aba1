using System.Diagnostics;
using LastCall.Data;
using LastCall.TestSupport;

namespace LastCall.Tests.Features.Execution;

/// <summary>
/// The kill -9 scenario of <see cref="CrashSafetyTests"/> and <see cref="PortOutCrashSafetyTests"/>: 30 requests submitted
/// to host-1, which is killed mid-flight; host-2 takes over and is killed too if it is not done by then; host-3 finishes.
/// Each effect must have happened exactly once, and every step running at a kill must have run again.
/// </summary>
internal static class SigkillTwice
{
    private static void Log(string message) => TestContext.Current.TestOutputHelper?.WriteLine($"{DateTime.UtcNow:HH:mm:ss.fff} {message}");

    public static async Task RunAsync(PostgresCluster postgres, DatabaseProvider provider, Func<CrashFleet, HostProcess, Task> submit)
    {
        const int n = 30;
        var clock = Stopwatch.StartNew();
        await using var fleet = await CrashFleet.StartAsync(postgres, provider, n);
        await using var hosts = new HostGroup();
        var first = await hosts.StartAsync("host-1", fleet.HostSettings());
        Log($"{provider}: fleet of {n} lines and host-1 (pid {first.Pid}) ready after {clock.ElapsedMilliseconds} ms");
        await submit(fleet, first);
        Log($"submitted {n}: {await fleet.ProgressAsync()}");

        // Kill -9 while host-1's worker holds requests with steps under way: some requests done, most not.
        var firstKill = await KillWhenAsync(fleet, first, p => p.Completed >= 3 && p.RunningIn(first.Pid) >= 2 && p.Completed < n - 8, giveUp: _ => false, hosts.Diagnostics);
        Assert.NotNull(firstKill);
        Assert.InRange(firstKill.Completed, 1, n - 1);
        Assert.NotEmpty(firstKill.HeldBy(first.Pid));

        // host-2 takes over once the dead worker's leases (3 s) have run out; kill it too, mid-flight, if it is not done by then.
        var second = await hosts.StartAsync("host-2", fleet.HostSettings());
        var kills = new List<FleetProgress> { firstKill };
        if (await KillWhenAsync(fleet, second, p => p.Completed >= firstKill.Completed + 3 && p.RunningIn(second.Pid) >= 1 && p.Completed < n - 3, giveUp: p => p.Completed == n, hosts.Diagnostics) is { } secondKill)
            kills.Add(secondKill);
        else
            Log("host-2 finished everything before it could be killed");

        // host-3 finishes the rest.
        await hosts.StartAsync("host-3", fleet.HostSettings());
        var done = await fleet.WaitForAsync(p => p.Completed == n, TimeSpan.FromSeconds(90), hosts.Diagnostics, pollMilliseconds: 50);
        Log($"all {n} completed after {clock.ElapsedMilliseconds} ms: {done}");

        await fleet.AssertEverythingHappenedExactlyOnceAsync();

        // The kills really hit work in flight: the requests a dead worker held were taken over and completed by
        // a later host, and every step that was running when its worker died ran again (attempts went up) —
        // the simulators answering the repeated calls that had already reached them from their replay stores.
        await using var db = fleet.Database.CreateContext();
        var attempts = db.ExecutionSteps.Select(s => new { s.Id, s.Attempts }).ToDictionary(s => s.Id, s => s.Attempts);
        var interrupted = kills.SelectMany(k => k.Running).ToList();
        Assert.NotEmpty(interrupted);
        Assert.All(interrupted, s => Assert.True(attempts[s.Id] > s.Attempts, $"step {s.Name} of {s.RequestId} was running at a kill but did not run again"));
        var replays = await fleet.ReplaysAsync();
        Log($"kills: {kills.Count}; completed before the first {firstKill.Completed}, after it {n - firstKill.Completed}; steps interrupted and run again: {interrupted.Count}; " +
            $"steps with attempts > 1: {attempts.Values.Count(a => a > 1)}; calls answered as replays: SM-DP+ {replays.Smdp}, billing/network {replays.Backends}");

        Log($"{await fleet.AssertAuditChainIntactAsync()}; test took {clock.ElapsedMilliseconds} ms");
    }

    /// <summary>SIGKILLs the host once <paramref name="when"/> holds of what it leaves behind (null if <paramref name="giveUp"/> holds first), and returns that.</summary>
    private static async Task<FleetProgress?> KillWhenAsync(CrashFleet fleet, HostProcess host, Func<FleetProgress, bool> when, Func<FleetProgress, bool> giveUp, Func<string> diagnostics)
    {
        var left = await fleet.KillWhenAsync(host, when, giveUp, TimeSpan.FromSeconds(30), diagnostics);
        if (left is not null)
            Log($"{host.Name} (pid {host.Pid}) killed with SIGKILL: {left}; it held {left.HeldBy(host.Pid).Count} requests with {left.RunningIn(host.Pid)} steps running");
        return left;
    }
}
