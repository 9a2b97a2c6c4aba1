using LastCall.BackendSimulators.Billing;
using LastCall.BackendSimulators.Network;
using LastCall.BackendSimulators.Tests.Infrastructure;
using LastCall.BackendSimulators.Wire;
using LastCall.Domain.Common;

namespace LastCall.BackendSimulators.Tests;

public sealed class StateFileTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Simulators_StateFileSet_KeepLedgerHistoryAndAnswersAcrossRestart()
    {
        var path = Path.Combine(Path.GetTempPath(), $"backends-state-{Guid.NewGuid():N}.json");
        var settings = new Dictionary<string, string?> { ["Simulator:StateFile"] = path };
        var msisdn = BackendHarness.NewMsisdn();
        var (closeId, refundId, deprovisionId) = (BackendHarness.NewRequestId(), BackendHarness.NewRequestId(), BackendHarness.NewRequestId());
        try
        {
            string issuedRefundId;
            await using (var first = await BackendHarness.StartAsync(simulator: settings))
            {
                await first.SeedAccountAsync(msisdn, balance: 30m, unbilledUsage: 10m);
                await first.SeedSubscriptionAsync(msisdn);
                BackendAssert.Success(await first.Billing.CloseAccountAsync(closeId, msisdn, cancellationToken: Token));
                issuedRefundId = BackendAssert.Success(await first.Billing.RefundAsync(refundId, msisdn, new Money(20m, "CNY"), Token)).RefundId;
                BackendAssert.Success(await first.Network.DeprovisionAsync(deprovisionId, msisdn, Token));
            }

            await using var second = await BackendHarness.StartAsync(simulator: settings);
            var refundReplay = await second.Billing.RefundAsync(refundId, msisdn, new Money(20m, "CNY"), Token);
            var deprovisionReplay = await second.Network.DeprovisionAsync(deprovisionId, msisdn, Token);

            Assert.Equal(issuedRefundId, BackendAssert.Success(refundReplay).RefundId);
            Assert.False(BackendAssert.Success(deprovisionReplay).AlreadyDeprovisioned);
            var account = await second.AccountAsync(msisdn);
            Assert.Equal((AccountStatus.Closed, 0m, 20m), (account.Status, account.RefundDue, account.Refunded));
            Assert.Equal(new[] { LedgerEntryKind.FinalBill, LedgerEntryKind.Refund }, account.Ledger.Select(e => e.Kind));
            Assert.Equal(SubscriptionState.Deprovisioned, (await second.SubscriptionAsync(msisdn)).State);
            Assert.Single(await second.DeprovisionHistoryAsync(msisdn));
            Assert.All(await second.CallsAsync(), c => Assert.True(c.Replayed));
            Assert.Equal(2, (await second.CallsAsync()).Count);
            Assert.Equal(WireProtocol.Refund, (await second.CallsAsync(SimulatedSystem.Billing)).Single().Operation);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
