using System.Net;
using System.Net.Sockets;
using LastCall.Integrations.Smdp;
using LastCall.SmdpSimulator.Behaviour;
using LastCall.SmdpSimulator.Profiles;
using LastCall.SmdpSimulator.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace LastCall.SmdpSimulator.Tests;

/// <summary>Slow, failing and absent SM-DP+: each test flips switches, so each has its own simulator.</summary>
public sealed class ResilienceTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task CancelOrder_SlowSmdp_TimesOutAsTransientAndSameCallIdLaterAppliesOnce()
    {
        await using var smdp = await SmdpHarness.StartAsync(client: new Dictionary<string, string?>
        {
            ["Smdp:TimeoutSeconds"] = "0.3",
            ["Smdp:TotalTimeoutSeconds"] = "3",
            ["Smdp:MaxRetryAttempts"] = "1",
        });
        var iccid = SmdpHarness.NewIccid();
        await smdp.SeedAsync(iccid, ProfileState.Released);
        await smdp.SetBehaviourAsync(new BehaviourSettings(LatencyMs: 1200));
        var callId = SmdpHarness.NewCallId();

        var timedOut = await smdp.Client.CancelOrderAsync(callId, iccid, null, FinalProfileStatus.Unavailable, cancellationToken: Token);
        await smdp.SetBehaviourAsync(new BehaviourSettings());
        var retried = await smdp.Client.CancelOrderAsync(callId, iccid, null, FinalProfileStatus.Unavailable, cancellationToken: Token);
        // The two abandoned attempts still land at the SM-DP+ once its latency is over.
        var calls = await Eventually.ValueAsync(() => smdp.CallsAsync(iccid, "cancelOrder"), c => c.Count == 3);

        Es2PlusAssert.Transient(timedOut, SmdpTransientReason.Timeout);
        Assert.Equal(SmdpOutcome.Success, retried.Outcome);
        var profile = await smdp.ProfileAsync(iccid);
        Assert.Equal(ProfileState.Unavailable, profile.State);
        Assert.Single(SmdpHarness.Es2PlusHistory(profile, "cancelOrder"));
        Assert.Equal(2, calls.Count(c => c.Replayed)); // whichever arrived first applied it, the others replayed
    }

    [Fact]
    public async Task ReleaseProfile_FailureRateOne_RetriedThenTransientAndNothingApplied()
    {
        await using var smdp = await SmdpHarness.StartAsync(client: new Dictionary<string, string?> { ["Smdp:MaxRetryAttempts"] = "2" });
        var iccid = SmdpHarness.NewIccid();
        await smdp.SeedAsync(iccid, ProfileState.Confirmed);
        await smdp.SetBehaviourAsync(new BehaviourSettings(FailureRate: 1));

        var result = await smdp.Client.ReleaseProfileAsync(SmdpHarness.NewCallId(), iccid, Token);

        Es2PlusAssert.Transient(result, SmdpTransientReason.ServerError);
        var attempts = await smdp.CallsAsync(function: "releaseProfile");
        Assert.Equal(3, attempts.Count); // the first attempt and two retries
        Assert.All(attempts, a => Assert.Equal((500, "Http500"), (a.HttpStatus, a.Fault)));
        Assert.Equal(ProfileState.Confirmed, (await smdp.ProfileAsync(iccid)).State);
    }

    [Fact]
    public async Task ReleaseProfile_InjectedFailedStatus_TransientProviderErrorThenRetrySucceeds()
    {
        await using var smdp = await SmdpHarness.StartAsync();
        var iccid = SmdpHarness.NewIccid();
        await smdp.SeedAsync(iccid, ProfileState.Confirmed);
        await smdp.SetBehaviourAsync(new BehaviourSettings(FailureRate: 1, FailureKind: FailureKind.FailedStatus));
        var callId = SmdpHarness.NewCallId();

        var failed = await smdp.Client.ReleaseProfileAsync(callId, iccid, Token);
        await smdp.SetBehaviourAsync(new BehaviourSettings());
        var retried = await smdp.Client.ReleaseProfileAsync(callId, iccid, Token);

        Es2PlusAssert.Transient(failed, SmdpTransientReason.ProviderExecutionError);
        Assert.True(failed.StatusCode!.Is("1.2", "4.2"));
        Assert.Equal(SmdpOutcome.Success, retried.Outcome);
        Assert.Equal(ProfileState.Released, (await smdp.ProfileAsync(iccid)).State);
    }

    [Fact]
    public async Task CancelOrder_SmdpDown_CircuitOpensStopsCallingThenRecloses()
    {
        await using var smdp = await SmdpHarness.StartAsync(client: new Dictionary<string, string?>
        {
            ["Smdp:MaxRetryAttempts"] = "1",
            ["Smdp:CircuitMinimumThroughput"] = "2",
            ["Smdp:CircuitFailureRatio"] = "0.5",
            ["Smdp:CircuitSamplingDurationSeconds"] = "10",
            ["Smdp:CircuitBreakDurationSeconds"] = "1",
        });
        var iccid = SmdpHarness.NewIccid();
        await smdp.SeedAsync(iccid, ProfileState.Released);
        await smdp.SetBehaviourAsync(new BehaviourSettings(Down: true));

        var results = new List<SmdpResult>();
        for (var i = 0; i < 3; i++)
            results.Add(await smdp.Client.CancelOrderAsync(SmdpHarness.NewCallId(), iccid, null, FinalProfileStatus.Unavailable, cancellationToken: Token));
        var reachedWhileOpen = (await smdp.CallsAsync(function: "cancelOrder")).Count;
        var stillOpen = await smdp.Client.CancelOrderAsync(SmdpHarness.NewCallId(), iccid, null, FinalProfileStatus.Unavailable, cancellationToken: Token);

        Es2PlusAssert.Transient(results[0], SmdpTransientReason.ServerError);
        Es2PlusAssert.Transient(results[^1], SmdpTransientReason.CircuitOpen);
        Es2PlusAssert.Transient(stillOpen, SmdpTransientReason.CircuitOpen);
        Assert.Equal(reachedWhileOpen, (await smdp.CallsAsync(function: "cancelOrder")).Count); // fails fast, no traffic
        Assert.All(await smdp.CallsAsync(function: "cancelOrder"), c => Assert.Equal(503, c.HttpStatus));

        await smdp.SetBehaviourAsync(new BehaviourSettings());
        await Task.Delay(1200, Token); // break duration over: the next call is the half-open probe
        var recovered = await smdp.Client.CancelOrderAsync(SmdpHarness.NewCallId(), iccid, null, FinalProfileStatus.Unavailable, cancellationToken: Token);

        Assert.Equal(SmdpOutcome.Success, recovered.Outcome);
        Assert.Equal(ProfileState.Unavailable, (await smdp.ProfileAsync(iccid)).State);
    }

    [Fact]
    public async Task CancelOrder_NothingListening_TransientConnectionFailed()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop(); // the port is now closed: connections are refused
        await using var services = SmdpHarness.ClientServices(new Uri($"http://127.0.0.1:{port}"), new Dictionary<string, string?> { ["Smdp:MaxRetryAttempts"] = "1" });
        var client = services.GetRequiredService<ISmdpClient>();

        var result = await client.CancelOrderAsync(SmdpHarness.NewCallId(), SmdpHarness.NewIccid(), null, FinalProfileStatus.Unavailable, cancellationToken: Token);

        Es2PlusAssert.Transient(result, SmdpTransientReason.ConnectionFailed);
    }
}
