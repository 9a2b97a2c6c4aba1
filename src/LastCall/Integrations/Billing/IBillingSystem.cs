using LastCall.Domain.Common;
using LastCall.Integrations.Backends;

namespace LastCall.Integrations.Billing;

/// <summary>
/// The billing system of record (BSS), as the execution of a cancellation needs it: close the account with its final
/// bill, then refund what is left. Every call takes a caller-chosen <c>requestId</c>: a step that is retried (after a
/// timeout, a crash, a restart) must pass the same id again, so that the billing system answers the first result
/// instead of billing or refunding twice. A refusal (e.g. <c>arrears_outstanding</c>) is not remembered, so the same
/// id may be sent again once its cause is fixed. Calls never throw for billing-system or network trouble; they
/// return a result saying whether to retry.
/// </summary>
public interface IBillingSystem
{
    /// <summary>
    /// Closes the account of <paramref name="msisdn"/> (E.164) with its final bill: the unbilled usage, taken from the
    /// prepaid balance and then the deposit; what is left is the refund due. Business failures:
    /// <see cref="BillingCodes.AccountNotFound"/>, <see cref="BillingCodes.ArrearsOutstanding"/>,
    /// <see cref="BillingCodes.AccountClosed"/> (closed by another request).
    /// </summary>
    /// <param name="earlyExitFee">A fee the customer accepted for ending a contract early, billed on top of the usage.</param>
    Task<BackendResult<FinalBill>> CloseAccountAsync(string requestId, string msisdn, Money? earlyExitFee = null, CancellationToken cancellationToken = default);

    /// <summary>
    /// Pays <paramref name="amount"/> back out of what the final bill left over (<see cref="FinalBill.RefundAmount"/>).
    /// Business failures: <see cref="BillingCodes.AccountNotFound"/>, <see cref="BillingCodes.AccountOpen"/> (no final
    /// bill yet), <see cref="BillingCodes.RefundExceedsDue"/>, <see cref="BillingCodes.CurrencyMismatch"/>,
    /// <see cref="BillingCodes.RequestIdReused"/> (the id was used for another amount).
    /// </summary>
    Task<BackendResult<RefundReceipt>> RefundAsync(string requestId, string msisdn, Money amount, CancellationToken cancellationToken = default);

    /// <summary>The bills of the account of <paramref name="msisdn"/>, newest first. Business failure: <see cref="BillingCodes.AccountNotFound"/>.</summary>
    Task<BackendResult<BillHistory>> ListBillsAsync(string msisdn, CancellationToken cancellationToken = default);
}

/// <summary>One bill the billing system issued: a month's bill, or the final bill of a closed account.</summary>
/// <param name="Period">The billing month, <c>YYYY-MM</c>.</param>
/// <param name="Status"><c>paid</c> or <c>unpaid</c>.</param>
/// <param name="Kind"><c>monthly</c> or <c>final</c>.</param>
public sealed record Bill(string BillId, string Period, DateOnly IssuedOn, decimal Amount, string Currency, string Status, string Kind);

public sealed record BillHistory(string Msisdn, string Currency, IReadOnlyList<Bill> Bills);

/// <summary>
/// The final bill of a closed account. <see cref="FinalBillAmount"/> is the usage billed, <see cref="RefundAmount"/>
/// what is left of balance and deposit (to be refunded), <see cref="AmountDue"/> what they did not cover.
/// </summary>
public sealed record FinalBill(string Msisdn, string RequestId, decimal FinalBillAmount, decimal RefundAmount, decimal AmountDue, string Currency, DateTimeOffset ClosedAt)
{
    public Money Refund => new(RefundAmount, Currency);

    public Money Billed => new(FinalBillAmount, Currency);

    public Money Due => new(AmountDue, Currency);
}

/// <summary>An issued refund; <see cref="RemainingRefundDue"/> is what the account may still refund.</summary>
public sealed record RefundReceipt(string RefundId, string RequestId, string Msisdn, decimal Amount, string Currency, decimal RemainingRefundDue, DateTimeOffset IssuedAt)
{
    public Money Refunded => new(Amount, Currency);
}

/// <summary>The error codes of the billing API (<c>{status, code, message}</c> bodies).</summary>
public static class BillingCodes
{
    /// <summary>404: no account for the number.</summary>
    public const string AccountNotFound = "account_not_found";

    /// <summary>409: the account was already closed by a final bill with another requestId.</summary>
    public const string AccountClosed = "account_closed";

    /// <summary>409: a refund on an account that has no final bill yet.</summary>
    public const string AccountOpen = "account_open";

    /// <summary>409: arrears must be paid before the account can be closed.</summary>
    public const string ArrearsOutstanding = "arrears_outstanding";

    /// <summary>409: the refund is more than what is still due to the customer.</summary>
    public const string RefundExceedsDue = "refund_exceeds_due";

    /// <summary>422: the refund's currency is not the account's.</summary>
    public const string CurrencyMismatch = "currency_mismatch";

    /// <summary>422: the requestId was already used for another request (other number or amount).</summary>
    public const string RequestIdReused = "request_id_reused";

    /// <summary>400: the request itself is malformed (invalid_request, invalid_msisdn, invalid_amount, invalid_currency).</summary>
    public const string InvalidRequest = "invalid_request";
}
