using LastCall.BackendSimulators.Wire;

namespace LastCall.BackendSimulators.Billing;

// Request and response bodies of /billing/v1 and of the billing seeding control. camelCase on the wire.

/// <summary><c>POST /billing/v1/accounts/{msisdn}/final-bill</c>.</summary>
public sealed record FinalBillRequest(string? RequestId, decimal? EarlyExitFee = null) : IOperationRequest
{
    public ApiError? Validate() =>
        EarlyExitFee is { } fee && (fee < 0 || !Amounts.HasAtMostTwoDecimals(fee))
            ? new ApiError(StatusCodes.Status400BadRequest, ErrorCodes.InvalidAmount, "earlyExitFee is zero or more, with at most two decimal places.")
            : null;

    public string Fingerprint() => EarlyExitFee is { } fee ? fee.ToString("0.00", System.Globalization.CultureInfo.InvariantCulture) : string.Empty;
}

/// <summary>
/// The closed account's final bill. <paramref name="FinalBillAmount"/> is the unbilled usage; it is taken from the
/// prepaid balance first, then from the deposit. What is left of both is <paramref name="RefundAmount"/>; what they
/// did not cover is <paramref name="AmountDue"/> (the customer still owes it).
/// </summary>
public sealed record FinalBillResponse(string Msisdn, string RequestId, decimal FinalBillAmount, decimal RefundAmount, decimal AmountDue, string Currency, DateTimeOffset ClosedAt);

/// <summary><c>POST /billing/v1/accounts/{msisdn}/refunds</c>. Currency is optional; when given it must be the account's.</summary>
public sealed record RefundRequest(string? RequestId, decimal? Amount, string? Currency) : IOperationRequest
{
    public ApiError? Validate() =>
        Amount is not { } amount ? new ApiError(StatusCodes.Status400BadRequest, ErrorCodes.InvalidAmount, "amount is required.")
        : amount <= 0 ? new ApiError(StatusCodes.Status400BadRequest, ErrorCodes.InvalidAmount, "amount must be greater than zero.")
        : !Amounts.HasAtMostTwoDecimals(amount) ? new ApiError(StatusCodes.Status400BadRequest, ErrorCodes.InvalidAmount, "amount has at most two decimal places.")
        : Currency is not null && !Amounts.IsCurrencyCode(Currency) ? new ApiError(StatusCodes.Status400BadRequest, ErrorCodes.InvalidCurrency, "currency must be a three-letter ISO 4217 code (upper case).")
        : null;

    public string Fingerprint() => Amounts.Canonical(Amount!.Value) + "\u001f" + Currency;
}

/// <summary>An issued refund. <paramref name="RemainingRefundDue"/> is what may still be refunded from the account.</summary>
public sealed record RefundResponse(string RefundId, string RequestId, string Msisdn, decimal Amount, string Currency, decimal RemainingRefundDue, DateTimeOffset IssuedAt);

/// <summary>
/// Body of <c>PUT /simulator/billing/accounts/{msisdn}</c>, the operator-side seeding of an account: missing amounts are 0,
/// the currency defaults to Billing:DefaultCurrency. With <c>activatedOn</c> or <c>monthlyCharge</c> the account also gets a
/// monthly bill history (see <see cref="SimulatedAccount.WriteBillHistory"/>); the charge defaults to Billing:DefaultMonthlyCharge.
/// </summary>
public sealed record AccountSeed(string? Currency, decimal? Balance, decimal? Arrears, decimal? UnbilledUsage, decimal? Deposit, DateOnly? ActivatedOn = null, decimal? MonthlyCharge = null);

/// <summary><c>GET billing/v1/accounts/{msisdn}/bills</c>: newest first.</summary>
public sealed record BillsResponse(string Msisdn, string Currency, IReadOnlyList<SimulatedBill> Bills);
