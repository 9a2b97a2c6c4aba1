using System.Diagnostics;
using System.Net.Http.Headers;
using LastCall.Data;
using LastCall.TestSupport;

namespace LastCall.Tests.Hosting;

/// <summary>
/// Readiness and graceful shutdown as a load balancer sees them: two instances on one PostgreSQL database with a
/// register large enough that loading it takes a moment, partners' lookups running through a balancer that polls
/// readiness, and one instance restarted (SIGTERM, then a new process) in the middle. Not one request may fail:
/// the stopping instance says "not ready" and goes on serving while the balancer takes it out, and the new one
/// takes traffic only once its register is in memory.
/// </summary>
public sealed class RollingRestartTests(PostgresCluster postgres)
{
    private const int RegisterSize = 400_000;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static void Log(string message) => TestContext.Current.TestOutputHelper?.WriteLine($"{DateTime.UtcNow:HH:mm:ss.fff} {message}");

    [Fact]
    public async Task RestartingOneOfTwoInstancesUnderPartnerLoad_LosesNoRequest()
    {
        using var database = await TestDatabase.CreateAsync(DatabaseProvider.Postgres, postgres);
        var first = TestData.Next();
        var register = Path.Combine(database.DataFolder, "register.csv");
        await File.WriteAllLinesAsync(register, ["msisdn,disconnected_on", .. Enumerable.Range(0, RegisterSize).Select(i => $"{TestData.Msisdn(first + i)},2024-03-01")], Ct);
        var import = await database.RunCommandAsync("import", "disconnections", register);
        Assert.True(import.ExitCode == 0, import.Output + import.Error);
        var key = await database.AddPartnerAsync("Example Bank");

        var settings = database.HostSettings();
        settings["Shutdown:DrainSeconds"] = "2";
        settings["Partners:RateLimit:PerSecond"] = "100000";
        settings["Logging:LogLevel:LastCall.Hosting"] = "Information";
        await using var hosts = new HostGroup();
        var started = await Task.WhenAll(hosts.StartAsync("a", settings), hosts.StartAsync("b", settings));
        await using var balancer = new LoadBalancer();
        balancer.Add(started[0]);
        balancer.Add(started[1]);

        using var stopLoad = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        // A steady load, not a flood: the point is that no request is lost, and the suite runs other tests beside this one.
        var load = Enumerable.Range(0, 4).Select(worker => Task.Run(async () =>
        {
            var n = 0;
            while (!stopLoad.IsCancellationRequested)
            {
                var msisdn = TestData.Msisdn(first + (worker * 7919 + n++) % RegisterSize);
                var sent = await balancer.SendAsync(() => new HttpRequestMessage(HttpMethod.Get, $"api/v1/reassigned-numbers/{Uri.EscapeDataString(msisdn)}?since=2024-01-01")
                {
                    Headers = { Authorization = new AuthenticationHeaderValue("Bearer", key) },
                }, stopLoad.Token);
                await Task.Delay(sent ? 5 : 20, stopLoad.Token).ContinueWith(_ => { }, TaskScheduler.Default);
            }
        }, Ct)).ToList();

        await WaitUntilAsync(() => balancer.ServedBy("a") >= 300 && balancer.ServedBy("b") >= 300, TimeSpan.FromSeconds(60), hosts.Diagnostics);
        var clock = Stopwatch.StartNew();
        var exitCode = await started[0].TerminateAsync();
        Log($"a stopped with exit code {exitCode} in {clock.ElapsedMilliseconds} ms after {balancer.Sent} requests");
        Assert.Equal(0, exitCode);

        var restarted = await hosts.StartListeningAsync("a-restarted", settings);
        balancer.Add(restarted);
        await WaitUntilAsync(() => balancer.ServedBy("a-restarted") >= 300, TimeSpan.FromSeconds(60), hosts.Diagnostics);
        await stopLoad.CancelAsync();
        await Task.WhenAll(load);

        Log($"{balancer.Sent} requests: a {balancer.ServedBy("a")}, b {balancer.ServedBy("b")}, a-restarted {balancer.ServedBy("a-restarted")}; failures {balancer.Failures.Count}");
        Assert.True(balancer.Failures.Count == 0, string.Join('\n', balancer.Failures.Take(20)) + "\n" + hosts.Diagnostics());
        Assert.Contains("readiness answers 503", started[0].Output, StringComparison.Ordinal);
    }

    private static async Task WaitUntilAsync(Func<bool> condition, TimeSpan timeout, Func<string> diagnostics)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException("The condition did not hold in time.\n" + diagnostics());
            await Task.Delay(20, Ct);
        }
    }
}
