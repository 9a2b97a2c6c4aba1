using System.Diagnostics;
using LastCall.Data;
using LastCall.TestSupport;
using Microsoft.EntityFrameworkCore;

namespace LastCall.Tests.Hosting;

/// <summary>
/// SIGTERM to one of two instances while it executes cancellations: it stops claiming, lets each request it holds
/// finish the step it is in, hands every lease back and exits 0; the other instance takes the work over at once,
/// not after the lease (two minutes here) has run out; and nothing runs twice.
/// </summary>
public sealed class GracefulShutdownTests(PostgresCluster postgres)
{
    private static void Log(string message) => TestContext.Current.TestOutputHelper?.WriteLine($"{DateTime.UtcNow:HH:mm:ss.fff} {message}");

    [Fact]
    public async Task SigtermToOneOfTwoInstancesMidBatch_TheOtherTakesOverAtOnce_NothingRunsTwice()
    {
        const int n = 40;
        var lease = TimeSpan.FromSeconds(120);
        await using var fleet = await CrashFleet.StartAsync(postgres, DatabaseProvider.Postgres, n);
        var settings = fleet.HostSettings(leaseSeconds: (int)lease.TotalSeconds);
        settings["Shutdown:DrainSeconds"] = "0";
        await using var hosts = new HostGroup();
        var started = await Task.WhenAll(hosts.StartAsync("host-a", settings), hosts.StartAsync("host-b", settings));
        var (a, b) = (started[0], started[1]);
        await Task.WhenAll(fleet.SubmitAsync(a, fleet.Lines.Take(n / 2)), fleet.SubmitAsync(b, fleet.Lines.Skip(n / 2)));

        // SIGTERM while host-a holds requests with steps under way.
        await fleet.WaitForAsync(p => p.RunningIn(a.Pid) >= 1 && p.HeldBy(a.Pid).Count >= 2 && p.Completed < n - 10, TimeSpan.FromSeconds(60), hosts.Diagnostics, pollMilliseconds: 10);
        var clock = Stopwatch.StartNew();
        var exitCode = await a.TerminateAsync();
        var atExit = await fleet.ProgressAsync();
        Log($"host-a exited with {exitCode} after {clock.ElapsedMilliseconds} ms: {atExit}");
        Assert.Equal(0, exitCode);
        Assert.Empty(atExit.HeldBy(a.Pid));
        Assert.Equal(0, atExit.RunningIn(a.Pid));
        Assert.Contains("handed back", a.Output, StringComparison.Ordinal);

        var done = await fleet.WaitForAsync(p => p.Completed == n, TimeSpan.FromSeconds(60), hosts.Diagnostics, pollMilliseconds: 50);
        Log($"all {n} completed {clock.ElapsedMilliseconds} ms after the SIGTERM: {done}");
        Assert.True(clock.Elapsed < lease / 2, $"the rest took {clock.Elapsed}, as if host-a's leases had to expire");

        await fleet.AssertEverythingHappenedExactlyOnceAsync();
        // None twice: every step began once, and no call reached a simulator a second time.
        await using (var db = fleet.Database.CreateContext())
            Assert.All(await db.ExecutionSteps.Select(s => new { s.RequestId, s.Name, s.Attempts }).ToListAsync(TestContext.Current.CancellationToken), s => Assert.Equal(1, s.Attempts));
        Assert.Equal((0, 0), await fleet.ReplaysAsync());
        // host-a did part of the work, and host-b finished what host-a handed back.
        var executionsStarted = (await fleet.AuditByRequestAsync()).Where(e => e.Action == "cancellation.execution_started").ToList();
        Assert.Contains(executionsStarted, e => e.Worker!.Contains($":{a.Pid}:", StringComparison.Ordinal));
    }
}
