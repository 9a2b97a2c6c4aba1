using LastCall.BackendSimulators.Network;
using LastCall.BackendSimulators.Tests.Infrastructure;
using LastCall.BackendSimulators.Wire;
using LastCall.Integrations.Backends;
using LastCall.Integrations.Network;

namespace LastCall.BackendSimulators.Tests;

/// <summary>Deprovisioning a line in the HSS/UDM, through the real network provisioning client.</summary>
public sealed class DeprovisionTests(SharedSimulators simulators) : IClassFixture<SharedSimulators>
{
    private readonly BackendHarness _backends = simulators.Harness;
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData(SubscriptionState.Active)]
    [InlineData(SubscriptionState.Barred)]
    public async Task Deprovision_ProvisionedSubscription_Deprovisioned(SubscriptionState state)
    {
        var msisdn = BackendHarness.NewMsisdn();
        var imsi = BackendHarness.NewImsi();
        await _backends.SeedSubscriptionAsync(msisdn, state, imsi);
        var requestId = BackendHarness.NewRequestId();

        var result = await _backends.Network.DeprovisionAsync(requestId, msisdn, Token);

        var done = BackendAssert.Success(result);
        Assert.Equal((msisdn, imsi, false), (done.Msisdn, done.Imsi, done.AlreadyDeprovisioned));
        var subscription = await _backends.SubscriptionAsync(msisdn);
        Assert.Equal((SubscriptionState.Deprovisioned, done.DeprovisionedAt), (subscription.State, subscription.DeprovisionedAt));
        var entry = Assert.Single(await _backends.DeprovisionHistoryAsync(msisdn));
        Assert.Equal((requestId, SubscriptionEventOutcome.Applied, state, SubscriptionState.Deprovisioned), (entry.RequestId, entry.Outcome, entry.From, entry.To));
    }

    [Fact]
    public async Task Deprovision_SameRequestIdReplayed_AppliedOnceWithTheFirstAnswer()
    {
        var msisdn = BackendHarness.NewMsisdn();
        await _backends.SeedSubscriptionAsync(msisdn);
        var requestId = BackendHarness.NewRequestId();

        var first = await _backends.Network.DeprovisionAsync(requestId, msisdn, Token);
        var replay = await _backends.Network.DeprovisionAsync(requestId, msisdn, Token);

        Assert.Equal(BackendAssert.Success(first), BackendAssert.Success(replay)); // a success again, not already_deprovisioned
        Assert.Single(await _backends.DeprovisionHistoryAsync(msisdn));
        Assert.Equal(new[] { false, true }, (await _backends.CallsAsync(SimulatedSystem.Network, WireProtocol.Deprovision, msisdn)).Select(c => c.Replayed));
    }

    [Fact]
    public async Task Deprovision_ConcurrentIdenticalRequests_AppliedOnce()
    {
        var msisdn = BackendHarness.NewMsisdn();
        await _backends.SeedSubscriptionAsync(msisdn);
        var requestId = BackendHarness.NewRequestId();

        var results = await Task.WhenAll(Enumerable.Range(0, 12).Select(_ => _backends.Network.DeprovisionAsync(requestId, msisdn, Token)));

        Assert.All(results, r => Assert.Equal(BackendOutcome.Success, r.Outcome));
        Assert.Single(results.Select(r => r.Value!.DeprovisionedAt).Distinct());
        Assert.Single(await _backends.DeprovisionHistoryAsync(msisdn));
    }

    [Fact]
    public async Task Deprovision_AlreadyDeprovisionedByAnotherRequestId_SuccessWithWarning()
    {
        var msisdn = BackendHarness.NewMsisdn();
        await _backends.SeedSubscriptionAsync(msisdn);
        var first = BackendAssert.Success(await _backends.Network.DeprovisionAsync(BackendHarness.NewRequestId(), msisdn, Token));

        var second = await _backends.Network.DeprovisionAsync(BackendHarness.NewRequestId(), msisdn, Token);

        Assert.Equal(BackendOutcome.Warning, second.Outcome);
        Assert.True(second.Succeeded);
        Assert.Equal(NetworkCodes.AlreadyDeprovisioned, second.Code);
        Assert.True(second.Value!.AlreadyDeprovisioned);
        Assert.Equal(first.DeprovisionedAt, second.Value.DeprovisionedAt);
        var history = await _backends.DeprovisionHistoryAsync(msisdn);
        Assert.Equal(new[] { SubscriptionEventOutcome.Applied, SubscriptionEventOutcome.Warning }, history.Select(e => e.Outcome));
        Assert.Equal(NetworkCodes.AlreadyDeprovisioned, history[1].Code);
    }

    [Fact]
    public async Task Deprovision_UnknownMsisdn_SubscriptionNotFound()
    {
        var result = await _backends.Network.DeprovisionAsync(BackendHarness.NewRequestId(), BackendHarness.NewMsisdn(), Token);

        BackendAssert.BusinessFailure(result, NetworkCodes.SubscriptionNotFound, 404);
        Assert.Null(result.Value);
    }

    [Fact]
    public async Task Deprovision_UnknownThenProvisionedWithSameRequestId_RefusalNotRememberedAndApplied()
    {
        var msisdn = BackendHarness.NewMsisdn();
        var requestId = BackendHarness.NewRequestId();

        var refused = await _backends.Network.DeprovisionAsync(requestId, msisdn, Token);
        await _backends.SeedSubscriptionAsync(msisdn);
        var retried = await _backends.Network.DeprovisionAsync(requestId, msisdn, Token);

        Assert.Equal(BackendOutcome.BusinessFailure, refused.Outcome);
        Assert.False(BackendAssert.Success(retried).AlreadyDeprovisioned);
        Assert.Equal(requestId, Assert.Single(await _backends.DeprovisionHistoryAsync(msisdn)).RequestId);
    }

    [Fact]
    public async Task Deprovision_RequestIdAlreadyUsedForAnotherNumber_RequestIdReusedAndNothingChanged()
    {
        var first = BackendHarness.NewMsisdn();
        var other = BackendHarness.NewMsisdn();
        await _backends.SeedSubscriptionAsync(first);
        await _backends.SeedSubscriptionAsync(other);
        var requestId = BackendHarness.NewRequestId();
        await _backends.Network.DeprovisionAsync(requestId, first, Token);

        var reused = await _backends.Network.DeprovisionAsync(requestId, other, Token);

        BackendAssert.BusinessFailure(reused, NetworkCodes.RequestIdReused, 422);
        Assert.Equal(SubscriptionState.Active, (await _backends.SubscriptionAsync(other)).State);
        Assert.Empty(await _backends.DeprovisionHistoryAsync(other));
    }
}
