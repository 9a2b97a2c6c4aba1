using LastCall.BackendSimulators.Billing;
using LastCall.BackendSimulators.Tests.Infrastructure;
using LastCall.BackendSimulators.Wire;
using LastCall.Domain.Common;
using LastCall.Integrations.Backends;
using LastCall.Integrations.Billing;

namespace LastCall.BackendSimulators.Tests;

/// <summary>Refunding what the final bill left over, through the real billing client.</summary>
public sealed class RefundTests(SharedSimulators simulators) : IClassFixture<SharedSimulators>
{
    private readonly BackendHarness _backends = simulators.Harness;
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task FinalBillThenRefund_PrepaidBalance_OneFinalBillAndOneRefundOfTheRest()
    {
        var msisdn = BackendHarness.NewMsisdn();
        await _backends.SeedAccountAsync(msisdn, balance: 68.40m, unbilledUsage: 18.40m);

        var bill = BackendAssert.Success(await _backends.Billing.CloseAccountAsync(BackendHarness.NewRequestId(), msisdn, cancellationToken: Token));
        var refundRequest = BackendHarness.NewRequestId();
        var refund = BackendAssert.Success(await _backends.Billing.RefundAsync(refundRequest, msisdn, bill.Refund, Token));

        Assert.Equal((50m, "CNY", 0m), (refund.Amount, refund.Currency, refund.RemainingRefundDue));
        Assert.StartsWith("RF-", refund.RefundId, StringComparison.Ordinal);
        Assert.Equal((refundRequest, msisdn), (refund.RequestId, refund.Msisdn));
        var account = await _backends.AccountAsync(msisdn);
        Assert.Equal((0m, 50m), (account.RefundDue, account.Refunded));
        Assert.Equal(new[] { LedgerEntryKind.FinalBill, LedgerEntryKind.Refund }, account.Ledger.Select(e => e.Kind));
        Assert.Equal(refund.RefundId, account.Ledger[1].Reference);
    }

    [Fact]
    public async Task Refund_SameRequestIdReplayed_PaidOnceWithTheSameRefundId()
    {
        var msisdn = await ClosedAccountAsync(refundDue: 25m);
        var requestId = BackendHarness.NewRequestId();

        var first = BackendAssert.Success(await _backends.Billing.RefundAsync(requestId, msisdn, new Money(25m, "CNY"), Token));
        var replay = BackendAssert.Success(await _backends.Billing.RefundAsync(requestId, msisdn, new Money(25m, "CNY"), Token));

        Assert.Equal(first, replay);
        var refund = Assert.Single(await _backends.LedgerAsync(msisdn, LedgerEntryKind.Refund));
        Assert.Equal((requestId, 25m, first.RefundId), (refund.RequestId, refund.Amount, refund.Reference));
        Assert.Equal((0m, 25m), ((await _backends.AccountAsync(msisdn)).RefundDue, (await _backends.AccountAsync(msisdn)).Refunded));
    }

    [Fact]
    public async Task Refund_ConcurrentIdenticalRequests_PaidOnce()
    {
        var msisdn = await ClosedAccountAsync(refundDue: 40m);
        var requestId = BackendHarness.NewRequestId();

        var results = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => _backends.Billing.RefundAsync(requestId, msisdn, new Money(40m, "CNY"), Token)));

        Assert.Single(results.Select(r => BackendAssert.Success(r).RefundId).Distinct());
        Assert.Single(await _backends.LedgerAsync(msisdn, LedgerEntryKind.Refund));
        Assert.Equal(40m, (await _backends.AccountAsync(msisdn)).Refunded);
    }

    [Fact]
    public async Task Refund_SameRequestIdOtherAmount_RequestIdReusedAndNothingPaid()
    {
        var msisdn = await ClosedAccountAsync(refundDue: 30m);
        var requestId = BackendHarness.NewRequestId();
        await _backends.Billing.RefundAsync(requestId, msisdn, new Money(10m, "CNY"), Token);

        var reused = await _backends.Billing.RefundAsync(requestId, msisdn, new Money(20m, "CNY"), Token);

        BackendAssert.BusinessFailure(reused, BillingCodes.RequestIdReused, 422);
        Assert.Equal(10m, Assert.Single(await _backends.LedgerAsync(msisdn, LedgerEntryKind.Refund)).Amount);
        Assert.Equal(20m, (await _backends.AccountAsync(msisdn)).RefundDue);
    }

    [Fact]
    public async Task Refund_InParts_RemainingDueShrinksUntilNothingIsLeft()
    {
        var msisdn = await ClosedAccountAsync(refundDue: 30m);

        var first = BackendAssert.Success(await _backends.Billing.RefundAsync(BackendHarness.NewRequestId(), msisdn, new Money(12.5m, "CNY"), Token));
        var second = BackendAssert.Success(await _backends.Billing.RefundAsync(BackendHarness.NewRequestId(), msisdn, new Money(17.5m, "CNY"), Token));
        var third = await _backends.Billing.RefundAsync(BackendHarness.NewRequestId(), msisdn, new Money(0.01m, "CNY"), Token);

        Assert.Equal((17.50m, 0m), (first.RemainingRefundDue, second.RemainingRefundDue));
        BackendAssert.BusinessFailure(third, BillingCodes.RefundExceedsDue, 409);
        Assert.Equal(2, (await _backends.LedgerAsync(msisdn, LedgerEntryKind.Refund)).Count);
    }

    [Fact]
    public async Task Refund_MoreThanDue_RefundExceedsDueAndNothingPaid()
    {
        var msisdn = await ClosedAccountAsync(refundDue: 9.99m);

        var result = await _backends.Billing.RefundAsync(BackendHarness.NewRequestId(), msisdn, new Money(10m, "CNY"), Token);

        BackendAssert.BusinessFailure(result, BillingCodes.RefundExceedsDue, 409);
        Assert.Empty(await _backends.LedgerAsync(msisdn, LedgerEntryKind.Refund));
        Assert.Equal(9.99m, (await _backends.AccountAsync(msisdn)).RefundDue);
    }

    [Fact]
    public async Task Refund_AccountStillOpen_AccountOpenAndBalanceUntouched()
    {
        var msisdn = BackendHarness.NewMsisdn();
        await _backends.SeedAccountAsync(msisdn, balance: 30m);

        var result = await _backends.Billing.RefundAsync(BackendHarness.NewRequestId(), msisdn, new Money(30m, "CNY"), Token);

        BackendAssert.BusinessFailure(result, BillingCodes.AccountOpen, 409);
        var account = await _backends.AccountAsync(msisdn);
        Assert.Equal((AccountStatus.Open, 30m), (account.Status, account.Balance));
        Assert.Empty(account.Ledger);
    }

    [Fact]
    public async Task Refund_OtherCurrency_CurrencyMismatch()
    {
        var msisdn = await ClosedAccountAsync(refundDue: 30m);

        var result = await _backends.Billing.RefundAsync(BackendHarness.NewRequestId(), msisdn, new Money(30m, "USD"), Token);

        BackendAssert.BusinessFailure(result, BillingCodes.CurrencyMismatch, 422);
        Assert.Empty(await _backends.LedgerAsync(msisdn, LedgerEntryKind.Refund));
    }

    [Fact]
    public async Task Refund_UnknownMsisdn_AccountNotFound()
    {
        var result = await _backends.Billing.RefundAsync(BackendHarness.NewRequestId(), BackendHarness.NewMsisdn(), new Money(1m, "CNY"), Token);

        BackendAssert.BusinessFailure(result, BillingCodes.AccountNotFound, 404);
    }

    [Fact]
    public async Task Refund_ZeroAmount_ClientRefusesToSend()
    {
        var msisdn = await ClosedAccountAsync(refundDue: 5m);

        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() =>
            _backends.Billing.RefundAsync(BackendHarness.NewRequestId(), msisdn, new Money(0m, "CNY"), Token));

        Assert.Empty(await _backends.CallsAsync(SimulatedSystem.Billing, WireProtocol.Refund, msisdn));
    }

    /// <summary>A prepaid account closed by its final bill, with <paramref name="refundDue"/> left to refund.</summary>
    private async Task<string> ClosedAccountAsync(decimal refundDue)
    {
        var msisdn = BackendHarness.NewMsisdn();
        await _backends.SeedAccountAsync(msisdn, balance: refundDue + 3m, unbilledUsage: 3m);
        var bill = BackendAssert.Success(await _backends.Billing.CloseAccountAsync(BackendHarness.NewRequestId(), msisdn, cancellationToken: Token));
        Assert.Equal(refundDue, bill.RefundAmount);
        return msisdn;
    }
}
