using LastCall.BackendSimulators.Billing;
using LastCall.BackendSimulators.Tests.Infrastructure;
using LastCall.BackendSimulators.Wire;
using LastCall.Integrations.Backends;
using LastCall.Integrations.Billing;

namespace LastCall.BackendSimulators.Tests;

/// <summary>Closing an account with its final bill, through the real billing client.</summary>
public sealed class FinalBillTests(SharedSimulators simulators) : IClassFixture<SharedSimulators>
{
    private readonly BackendHarness _backends = simulators.Harness;
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task CloseAccount_PrepaidBalanceAndDeposit_BillsUsageAndRefundsTheRest()
    {
        var msisdn = BackendHarness.NewMsisdn();
        await _backends.SeedAccountAsync(msisdn, balance: 30m, unbilledUsage: 12.30m, deposit: 20m);
        var requestId = BackendHarness.NewRequestId();

        var result = await _backends.Billing.CloseAccountAsync(requestId, msisdn, cancellationToken: Token);

        var bill = BackendAssert.Success(result);
        Assert.Equal((msisdn, requestId), (bill.Msisdn, bill.RequestId));
        Assert.Equal((12.30m, 37.70m, 0m, "CNY"), (bill.FinalBillAmount, bill.RefundAmount, bill.AmountDue, bill.Currency));
        Assert.Equal(new LastCall.Domain.Common.Money(37.70m, "CNY"), bill.Refund);
        var account = await _backends.AccountAsync(msisdn);
        Assert.Equal(AccountStatus.Closed, account.Status);
        Assert.Equal((0m, 0m, 0m, 0m, 37.70m), (account.Balance, account.Deposit, account.UnbilledUsage, account.Arrears, account.RefundDue));
        Assert.Equal(bill.ClosedAt, account.ClosedAt);
        var entry = Assert.Single(account.Ledger);
        Assert.Equal((LedgerEntryKind.FinalBill, requestId, 12.30m, "CNY"), (entry.Kind, entry.RequestId, entry.Amount, entry.Currency));
    }

    [Fact]
    public async Task CloseAccount_WithEarlyExitFee_BillsUsagePlusFeeOnceAndListsTheFinalBill()
    {
        var msisdn = BackendHarness.NewMsisdn();
        await _backends.SeedAccountAsync(msisdn, balance: 200m, unbilledUsage: 12.30m);
        var requestId = BackendHarness.NewRequestId();
        var fee = new LastCall.Domain.Common.Money(90m, "CNY");

        var bill = BackendAssert.Success(await _backends.Billing.CloseAccountAsync(requestId, msisdn, fee, Token));
        var replay = BackendAssert.Success(await _backends.Billing.CloseAccountAsync(requestId, msisdn, fee, Token));
        var otherFee = await _backends.Billing.CloseAccountAsync(requestId, msisdn, new LastCall.Domain.Common.Money(60m, "CNY"), Token);

        Assert.Equal((102.30m, 97.70m, 0m), (bill.FinalBillAmount, bill.RefundAmount, bill.AmountDue));
        Assert.Equal(bill, replay);
        BackendAssert.BusinessFailure(otherFee, BillingCodes.RequestIdReused, 422);
        var account = await _backends.AccountAsync(msisdn);
        Assert.Equal(102.30m, Assert.Single(account.Ledger).Amount);
        var history = BackendAssert.Success(await _backends.Billing.ListBillsAsync(msisdn, Token));
        var final = Assert.Single(history.Bills);
        Assert.Equal(("final", "paid", 102.30m), (final.Kind, final.Status, final.Amount));
    }

    [Fact]
    public async Task CloseAccount_UsageBeyondBalanceAndDeposit_NoRefundAndRestStillOwed()
    {
        var msisdn = BackendHarness.NewMsisdn();
        await _backends.SeedAccountAsync(msisdn, balance: 5m, unbilledUsage: 12.30m, deposit: 2m);

        var bill = BackendAssert.Success(await _backends.Billing.CloseAccountAsync(BackendHarness.NewRequestId(), msisdn, cancellationToken: Token));

        Assert.Equal((12.30m, 0m, 5.30m), (bill.FinalBillAmount, bill.RefundAmount, bill.AmountDue));
        var account = await _backends.AccountAsync(msisdn);
        Assert.Equal((AccountStatus.Closed, 5.30m, 0m), (account.Status, account.Arrears, account.RefundDue));
    }

    [Fact]
    public async Task CloseAccount_ArrearsFreePostpaidWithoutUsage_ClosesWithNothingToBillOrRefund()
    {
        var msisdn = BackendHarness.NewMsisdn();
        await _backends.SeedAccountAsync(msisdn, currency: "EUR");

        var bill = BackendAssert.Success(await _backends.Billing.CloseAccountAsync(BackendHarness.NewRequestId(), msisdn, cancellationToken: Token));

        Assert.Equal((0m, 0m, 0m, "EUR"), (bill.FinalBillAmount, bill.RefundAmount, bill.AmountDue, bill.Currency));
        Assert.Equal(AccountStatus.Closed, (await _backends.AccountAsync(msisdn)).Status);
    }

    [Fact]
    public async Task CloseAccount_ArrearsOutstanding_BusinessFailureAndAccountStaysOpen()
    {
        var msisdn = BackendHarness.NewMsisdn();
        await _backends.SeedAccountAsync(msisdn, balance: 10m, arrears: 45.50m);

        var result = await _backends.Billing.CloseAccountAsync(BackendHarness.NewRequestId(), msisdn, cancellationToken: Token);

        BackendAssert.BusinessFailure(result, BillingCodes.ArrearsOutstanding, 409);
        Assert.Contains("45.50 CNY", result.Detail, StringComparison.Ordinal);
        var account = await _backends.AccountAsync(msisdn);
        Assert.Equal((AccountStatus.Open, 10m, 45.50m), (account.Status, account.Balance, account.Arrears));
        Assert.Empty(account.Ledger);
    }

    [Fact]
    public async Task CloseAccount_ArrearsPaidThenSameRequestId_RefusalNotRememberedAndAccountCloses()
    {
        var msisdn = BackendHarness.NewMsisdn();
        await _backends.SeedAccountAsync(msisdn, balance: 10m, arrears: 45.50m);
        var requestId = BackendHarness.NewRequestId();

        var refused = await _backends.Billing.CloseAccountAsync(requestId, msisdn, cancellationToken: Token);
        await _backends.SeedAccountAsync(msisdn, balance: 10m); // the customer paid the arrears
        var retried = await _backends.Billing.CloseAccountAsync(requestId, msisdn, cancellationToken: Token);

        Assert.Equal(BackendOutcome.BusinessFailure, refused.Outcome);
        Assert.Equal(10m, BackendAssert.Success(retried).RefundAmount);
        Assert.Single(await _backends.LedgerAsync(msisdn, LedgerEntryKind.FinalBill));
    }

    [Fact]
    public async Task CloseAccount_SameRequestIdReplayed_AppliedOnceWithTheFirstAnswer()
    {
        var msisdn = BackendHarness.NewMsisdn();
        await _backends.SeedAccountAsync(msisdn, balance: 50m, unbilledUsage: 8.80m);
        var requestId = BackendHarness.NewRequestId();

        var first = BackendAssert.Success(await _backends.Billing.CloseAccountAsync(requestId, msisdn, cancellationToken: Token));
        await _backends.SeedAccountAsync(msisdn, balance: 999m, unbilledUsage: 1m); // reopened with other numbers
        var replay = BackendAssert.Success(await _backends.Billing.CloseAccountAsync(requestId, msisdn, cancellationToken: Token));

        Assert.Equal(first, replay);
        Assert.Equal(41.20m, replay.RefundAmount);
        Assert.Single(await _backends.LedgerAsync(msisdn, LedgerEntryKind.FinalBill));
        Assert.Equal(AccountStatus.Open, (await _backends.AccountAsync(msisdn)).Status); // the replay closed nothing
        var calls = await _backends.CallsAsync(SimulatedSystem.Billing, WireProtocol.FinalBill, msisdn);
        Assert.Equal(new[] { false, true }, calls.Select(c => c.Replayed));
    }

    [Fact]
    public async Task CloseAccount_ConcurrentIdenticalRequests_AppliedOnce()
    {
        var msisdn = BackendHarness.NewMsisdn();
        await _backends.SeedAccountAsync(msisdn, balance: 100m, unbilledUsage: 33.33m, deposit: 50m);
        var requestId = BackendHarness.NewRequestId();

        var results = await Task.WhenAll(Enumerable.Range(0, 12).Select(_ => _backends.Billing.CloseAccountAsync(requestId, msisdn, cancellationToken: Token)));

        var bills = results.Select(BackendAssert.Success).ToList();
        Assert.All(bills, b => Assert.Equal(bills[0], b));
        Assert.Equal(116.67m, bills[0].RefundAmount);
        Assert.Single(await _backends.LedgerAsync(msisdn, LedgerEntryKind.FinalBill));
        var calls = await _backends.CallsAsync(SimulatedSystem.Billing, WireProtocol.FinalBill, msisdn);
        Assert.Equal((12, 11), (calls.Count, calls.Count(c => c.Replayed)));
    }

    [Fact]
    public async Task CloseAccount_AlreadyClosedByAnotherRequestId_AccountClosedAndNoSecondBill()
    {
        var msisdn = BackendHarness.NewMsisdn();
        await _backends.SeedAccountAsync(msisdn, balance: 20m, unbilledUsage: 5m);
        var firstRequest = BackendHarness.NewRequestId();
        await _backends.Billing.CloseAccountAsync(firstRequest, msisdn, cancellationToken: Token);

        var second = await _backends.Billing.CloseAccountAsync(BackendHarness.NewRequestId(), msisdn, cancellationToken: Token);

        BackendAssert.BusinessFailure(second, BillingCodes.AccountClosed, 409);
        Assert.Contains(firstRequest, second.Detail, StringComparison.Ordinal);
        Assert.Equal(firstRequest, Assert.Single(await _backends.LedgerAsync(msisdn, LedgerEntryKind.FinalBill)).RequestId);
        Assert.Equal(15m, (await _backends.AccountAsync(msisdn)).RefundDue);
    }

    [Fact]
    public async Task CloseAccount_UnknownMsisdn_AccountNotFound()
    {
        var result = await _backends.Billing.CloseAccountAsync(BackendHarness.NewRequestId(), BackendHarness.NewMsisdn(), cancellationToken: Token);

        BackendAssert.BusinessFailure(result, BillingCodes.AccountNotFound, 404);
    }
}
