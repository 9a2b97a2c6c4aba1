using LastCall.Domain.Common;
using LastCall.Integrations.Backends;

namespace LastCall.Integrations.Billing;

/// <summary>
/// The billing API over HTTP: <c>POST billing/v1/accounts/{msisdn}/final-bill</c>, <c>…/refunds</c> and <c>GET …/bills</c>. The typed
/// HttpClient it gets carries the resilience pipeline (see <see cref="BillingServiceCollectionExtensions.AddBillingClient"/>):
/// attempts that time out, fail to connect or get a 5xx are retried inside one call with the same requestId.
/// </summary>
public sealed class HttpBillingSystem(HttpClient http, ILogger<HttpBillingSystem> logger) : IBillingSystem
{
    private const string System = "billing system";

    public async Task<BackendResult<FinalBill>> CloseAccountAsync(string requestId, string msisdn, Money? earlyExitFee = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(requestId);
        ArgumentException.ThrowIfNullOrWhiteSpace(msisdn);
        var result = await BackendCall.PostAsync<FinalBillResponse>(http, logger, System, "final-bill", AccountPath(msisdn) + "/final-bill",
            new FinalBillRequest(requestId, earlyExitFee is { Amount: > 0 } fee ? fee.Amount : null), cancellationToken);
        if (result.Value is not { } body)
            return BackendResult<FinalBill>.From(result);
        if (body is not { FinalBillAmount: { } billed, RefundAmount: { } refund, Currency: { } currency, ClosedAt: { } closedAt })
            return BackendCall.Invalid<FinalBill>(logger, System, "final-bill", "success without finalBillAmount, refundAmount, currency and closedAt.", result.HttpStatus);

        return BackendResult<FinalBill>.From(result,
            new FinalBill(body.Msisdn ?? msisdn, body.RequestId ?? requestId, billed, refund, body.AmountDue ?? 0, currency, closedAt));
    }

    public async Task<BackendResult<RefundReceipt>> RefundAsync(string requestId, string msisdn, Money amount, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(requestId);
        ArgumentException.ThrowIfNullOrWhiteSpace(msisdn);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(amount.Amount);
        ArgumentException.ThrowIfNullOrWhiteSpace(amount.Currency);
        var result = await BackendCall.PostAsync<RefundResponse>(http, logger, System, "refund", AccountPath(msisdn) + "/refunds",
            new RefundRequest(requestId, amount.Amount, amount.Currency), cancellationToken);
        if (result.Value is not { } body)
            return BackendResult<RefundReceipt>.From(result);
        if (body is not { RefundId: { } refundId, Amount: { } refunded, Currency: { } currency, IssuedAt: { } issuedAt })
            return BackendCall.Invalid<RefundReceipt>(logger, System, "refund", "success without refundId, amount, currency and issuedAt.", result.HttpStatus);

        return BackendResult<RefundReceipt>.From(result,
            new RefundReceipt(refundId, body.RequestId ?? requestId, body.Msisdn ?? msisdn, refunded, currency, body.RemainingRefundDue ?? 0, issuedAt));
    }

    public async Task<BackendResult<BillHistory>> ListBillsAsync(string msisdn, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(msisdn);
        var result = await BackendCall.GetAsync<BillsResponse>(http, logger, System, "bills", AccountPath(msisdn) + "/bills", cancellationToken);
        if (result.Value is not { } body)
            return BackendResult<BillHistory>.From(result);
        if (body is not { Currency: { } currency, Bills: { } bills } || bills.Any(b => b is not { BillId: not null, Period: not null, IssuedOn: not null, Amount: not null, Status: not null, Kind: not null }))
            return BackendCall.Invalid<BillHistory>(logger, System, "bills", "bills without billId, period, issuedOn, amount, status or kind.", result.HttpStatus);

        return BackendResult<BillHistory>.From(result, new BillHistory(body.Msisdn ?? msisdn, currency,
            [.. bills.Select(b => new Bill(b.BillId!, b.Period!, b.IssuedOn!.Value, b.Amount!.Value, b.Currency ?? currency, b.Status!, b.Kind!)).OrderByDescending(b => b.IssuedOn)]));
    }

    /// <summary>Relative to the base address; '+' is escaped so that nothing on the way reads it as a space.</summary>
    private static string AccountPath(string msisdn) => "billing/v1/accounts/" + Uri.EscapeDataString(msisdn);

    private sealed record FinalBillRequest(string RequestId, decimal? EarlyExitFee);

    private sealed record FinalBillResponse(string? Msisdn, string? RequestId, decimal? FinalBillAmount, decimal? RefundAmount, decimal? AmountDue, string? Currency, DateTimeOffset? ClosedAt);

    private sealed record BillsResponse(string? Msisdn, string? Currency, List<BillResponse>? Bills);

    private sealed record BillResponse(string? BillId, string? Period, DateOnly? IssuedOn, decimal? Amount, string? Currency, string? Status, string? Kind);

    private sealed record RefundRequest(string RequestId, decimal Amount, string Currency);

    private sealed record RefundResponse(string? RefundId, string? RequestId, string? Msisdn, decimal? Amount, string? Currency, decimal? RemainingRefundDue, DateTimeOffset? IssuedAt);
}
