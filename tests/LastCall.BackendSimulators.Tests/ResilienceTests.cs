using System.Net;
using System.Net.Sockets;
using LastCall.BackendSimulators.Behaviour;
using LastCall.BackendSimulators.Billing;
using LastCall.BackendSimulators.Network;
using LastCall.BackendSimulators.Tests.Infrastructure;
using LastCall.BackendSimulators.Wire;
using LastCall.Domain.Common;
using LastCall.Integrations.Backends;
using LastCall.Integrations.Billing;
using LastCall.Integrations.Network;
using Microsoft.Extensions.DependencyInjection;

namespace LastCall.BackendSimulators.Tests;

/// <summary>Slow, failing and absent back ends: each test flips switches, so each has its own simulators.</summary>
public sealed class ResilienceTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task CloseAccount_SlowBilling_TimesOutAsTransientAndSameRequestIdLaterBillsOnce()
    {
        await using var backends = await BackendHarness.StartAsync(client: new Dictionary<string, string?>
        {
            ["TimeoutSeconds"] = "0.3",
            ["TotalTimeoutSeconds"] = "3",
            ["MaxRetryAttempts"] = "1",
        });
        var msisdn = BackendHarness.NewMsisdn();
        await backends.SeedAccountAsync(msisdn, balance: 30m, unbilledUsage: 10m);
        await backends.SetBehaviourAsync(new BehaviourSettings(LatencyMs: 1200), SimulatedSystem.Billing);
        var requestId = BackendHarness.NewRequestId();

        var timedOut = await backends.Billing.CloseAccountAsync(requestId, msisdn, cancellationToken: Token);
        await backends.SetBehaviourAsync(new BehaviourSettings(), SimulatedSystem.Billing);
        var retried = await backends.Billing.CloseAccountAsync(requestId, msisdn, cancellationToken: Token);
        // The two abandoned attempts still land at the billing system once its latency is over.
        var calls = await Eventually.ValueAsync(() => backends.CallsAsync(SimulatedSystem.Billing, WireProtocol.FinalBill, msisdn), c => c.Count == 3);

        BackendAssert.Transient(timedOut, BackendTransientReason.Timeout);
        Assert.Equal(20m, BackendAssert.Success(retried).RefundAmount);
        Assert.Single(await backends.LedgerAsync(msisdn, LedgerEntryKind.FinalBill));
        Assert.Equal(3, calls.Count);
        Assert.Equal(2, calls.Count(c => c.Replayed)); // whichever arrived first applied it, the others replayed
    }

    [Fact]
    public async Task Refund_FailureRateOne_RetriedThenTransientAndNothingPaid()
    {
        await using var backends = await BackendHarness.StartAsync(client: new Dictionary<string, string?> { ["MaxRetryAttempts"] = "2" });
        var msisdn = BackendHarness.NewMsisdn();
        await backends.SeedAccountAsync(msisdn, balance: 30m);
        BackendAssert.Success(await backends.Billing.CloseAccountAsync(BackendHarness.NewRequestId(), msisdn, cancellationToken: Token));
        await backends.SetBehaviourAsync(new BehaviourSettings(FailureRate: 1), SimulatedSystem.Billing);
        var requestId = BackendHarness.NewRequestId();

        var failed = await backends.Billing.RefundAsync(requestId, msisdn, new Money(30m, "CNY"), Token);

        BackendAssert.Transient(failed, BackendTransientReason.ServerError);
        Assert.Equal(500, failed.HttpStatus);
        var attempts = await backends.CallsAsync(SimulatedSystem.Billing, WireProtocol.Refund, msisdn);
        Assert.Equal(3, attempts.Count); // the first attempt and two retries
        Assert.All(attempts, a => Assert.Equal((500, "Http500"), (a.HttpStatus, a.Fault)));
        Assert.Empty(await backends.LedgerAsync(msisdn, LedgerEntryKind.Refund));

        await backends.SetBehaviourAsync(new BehaviourSettings(), SimulatedSystem.Billing);
        var retried = await backends.Billing.RefundAsync(requestId, msisdn, new Money(30m, "CNY"), Token);

        Assert.Equal(30m, BackendAssert.Success(retried).Amount);
        Assert.Single(await backends.LedgerAsync(msisdn, LedgerEntryKind.Refund));
    }

    [Fact]
    public async Task Deprovision_NetworkDown_CircuitOpensStopsCallingThenRecloses()
    {
        await using var backends = await BackendHarness.StartAsync(client: new Dictionary<string, string?>
        {
            ["MaxRetryAttempts"] = "1",
            ["CircuitMinimumThroughput"] = "2",
            ["CircuitFailureRatio"] = "0.5",
            ["CircuitSamplingDurationSeconds"] = "10",
            ["CircuitBreakDurationSeconds"] = "1",
        });
        var msisdn = BackendHarness.NewMsisdn();
        await backends.SeedSubscriptionAsync(msisdn);
        await backends.SetBehaviourAsync(new BehaviourSettings(Down: true), SimulatedSystem.Network);

        var results = new List<BackendResult>();
        for (var i = 0; i < 3; i++)
            results.Add(await backends.Network.DeprovisionAsync(BackendHarness.NewRequestId(), msisdn, Token));
        var reachedWhileOpen = (await backends.CallsAsync(SimulatedSystem.Network)).Count;
        var stillOpen = await backends.Network.DeprovisionAsync(BackendHarness.NewRequestId(), msisdn, Token);

        BackendAssert.Transient(results[0], BackendTransientReason.ServerError);
        Assert.Equal(503, results[0].HttpStatus);
        BackendAssert.Transient(results[^1], BackendTransientReason.CircuitOpen);
        BackendAssert.Transient(stillOpen, BackendTransientReason.CircuitOpen);
        var calls = await backends.CallsAsync(SimulatedSystem.Network);
        Assert.Equal(reachedWhileOpen, calls.Count); // fails fast, no traffic
        Assert.All(calls, c => Assert.Equal((503, "Down"), (c.HttpStatus, c.Fault)));
        Assert.Equal(SubscriptionState.Active, (await backends.SubscriptionAsync(msisdn)).State);

        await backends.SetBehaviourAsync(new BehaviourSettings(), SimulatedSystem.Network);
        await Task.Delay(1200, Token); // break duration over: the next call is the half-open probe
        var recovered = await backends.Network.DeprovisionAsync(BackendHarness.NewRequestId(), msisdn, Token);

        Assert.Equal(BackendOutcome.Success, recovered.Outcome);
        Assert.Equal(SubscriptionState.Deprovisioned, (await backends.SubscriptionAsync(msisdn)).State);
    }

    [Fact]
    public async Task Deprovision_SlowNetwork_TimesOutAsTransientAndSameRequestIdLaterAppliesOnce()
    {
        await using var backends = await BackendHarness.StartAsync(client: new Dictionary<string, string?>
        {
            ["TimeoutSeconds"] = "0.2",
            ["TotalTimeoutSeconds"] = "0.3",
            ["MaxRetryAttempts"] = "3",
        });
        var msisdn = BackendHarness.NewMsisdn();
        await backends.SeedSubscriptionAsync(msisdn);
        await backends.SetBehaviourAsync(new BehaviourSettings(LatencyMs: 800), SimulatedSystem.Network);
        var requestId = BackendHarness.NewRequestId();

        var timedOut = await backends.Network.DeprovisionAsync(requestId, msisdn, Token);
        // The abandoned attempt is applied once the latency is over; the retry with the same id then replays it.
        await Eventually.ValueAsync(() => backends.DeprovisionHistoryAsync(msisdn), h => h.Count == 1);
        await backends.SetBehaviourAsync(new BehaviourSettings(), SimulatedSystem.Network);
        var retried = await backends.Network.DeprovisionAsync(requestId, msisdn, Token);

        BackendAssert.Transient(timedOut, BackendTransientReason.Timeout);
        Assert.False(BackendAssert.Success(retried).AlreadyDeprovisioned); // the first answer, not a warning
        Assert.Equal(requestId, Assert.Single(await backends.DeprovisionHistoryAsync(msisdn)).RequestId);
    }

    [Fact]
    public async Task Behaviour_BillingDownOnly_NetworkStillAnswers()
    {
        await using var backends = await BackendHarness.StartAsync(client: new Dictionary<string, string?> { ["MaxRetryAttempts"] = "1" });
        var msisdn = BackendHarness.NewMsisdn();
        await backends.SeedAccountAsync(msisdn, balance: 5m);
        await backends.SeedSubscriptionAsync(msisdn);
        await backends.SetBehaviourAsync(new BehaviourSettings(Down: true), SimulatedSystem.Billing);

        var billing = await backends.Billing.CloseAccountAsync(BackendHarness.NewRequestId(), msisdn, cancellationToken: Token);
        var network = await backends.Network.DeprovisionAsync(BackendHarness.NewRequestId(), msisdn, Token);

        BackendAssert.Transient(billing, BackendTransientReason.ServerError);
        Assert.Equal(503, billing.HttpStatus);
        Assert.Equal(BackendOutcome.Success, network.Outcome);
        Assert.Equal(AccountStatus.Open, (await backends.AccountAsync(msisdn)).Status);
    }

    [Fact]
    public async Task Behaviour_GlobalFailureRate_BothSystemsFailTransiently()
    {
        await using var backends = await BackendHarness.StartAsync(client: new Dictionary<string, string?> { ["MaxRetryAttempts"] = "1" });
        var msisdn = BackendHarness.NewMsisdn();
        await backends.SeedAccountAsync(msisdn, balance: 5m);
        await backends.SeedSubscriptionAsync(msisdn);
        await backends.SetBehaviourAsync(new BehaviourSettings(FailureRate: 1));

        var billing = await backends.Billing.CloseAccountAsync(BackendHarness.NewRequestId(), msisdn, cancellationToken: Token);
        var network = await backends.Network.DeprovisionAsync(BackendHarness.NewRequestId(), msisdn, Token);

        BackendAssert.Transient(billing, BackendTransientReason.ServerError);
        BackendAssert.Transient(network, BackendTransientReason.ServerError);
        Assert.Equal(4, (await backends.CallsAsync()).Count(c => c.Fault == "Http500"));
        Assert.Equal(AccountStatus.Open, (await backends.AccountAsync(msisdn)).Status);
        Assert.Equal(SubscriptionState.Active, (await backends.SubscriptionAsync(msisdn)).State);
    }

    [Fact]
    public async Task CloseAccountAndDeprovision_NothingListening_TransientConnectionFailed()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop(); // the port is now closed: connections are refused
        await using var services = BackendHarness.ClientServices(new Uri($"http://127.0.0.1:{port}"), new Dictionary<string, string?> { ["MaxRetryAttempts"] = "1" });

        var billing = await services.GetRequiredService<IBillingSystem>().CloseAccountAsync(BackendHarness.NewRequestId(), BackendHarness.NewMsisdn(), cancellationToken: Token);
        var network = await services.GetRequiredService<INetworkProvisioning>().DeprovisionAsync(BackendHarness.NewRequestId(), BackendHarness.NewMsisdn(), Token);

        BackendAssert.Transient(billing, BackendTransientReason.ConnectionFailed);
        BackendAssert.Transient(network, BackendTransientReason.ConnectionFailed);
        Assert.Null(billing.HttpStatus);
    }
}
