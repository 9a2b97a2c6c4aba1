using System.Text.Json;
using LastCall.Domain.Cancellations;
using LastCall.Domain.Common;
using LastCall.Integrations.Backends;
using LastCall.Hosting;
using LastCall.Integrations.Billing;
using Microsoft.EntityFrameworkCore;

namespace LastCall.Features.Execution;

/// <summary>
/// Closes the line's billing account: the final bill (unbilled usage plus any early-exit fee the customer
/// accepted, taken from the balance and the deposit), then a refund of whatever credit is left. Both calls carry keys fixed per request, so the
/// billing system applies each once however often the step runs. Arrears that appeared after approval
/// stop the request for a supervisor rather than being written off.
/// </summary>
public sealed class FinalBillStep(IBillingSystem billing, PolicySettings policies) : IExecutionStep
{
    public StepName Name => StepName.FinalBill;

    public async Task<StepResult> RunAsync(StepContext context, CancellationToken ct)
    {
        var msisdn = context.Line.Msisdn.Value;
        var account = context.BillingAccount;
        var fee = context.Request.EarlyExitFee;
        Money? earlyExitFee = fee > 0 ? new Money(fee, account?.Currency ?? policies.Currency) : null;
        var bill = await billing.CloseAccountAsync(context.Key("final-bill"), msisdn, earlyExitFee, ct);
        if (Failure(bill, "final bill") is { } billFailed)
            return billFailed;
        var closed = bill.Value!;

        RefundReceipt? refund = null;
        if (closed.RefundAmount > 0)
        {
            var refunded = await billing.RefundAsync(context.Key("refund"), msisdn, new Money(closed.RefundAmount, closed.Currency), ct);
            if (Failure(refunded, "refund") is { } refundFailed)
                return refundFailed;
            refund = refunded.Value;
        }

        // Our copy of the account follows the billing system: no credit left, only what is still due.
        account?.SetBalances(0, closed.AmountDue);
        context.Audit.Record("billing.closed", context.Line.Msisdn.Masked(), after: new
        {
            context.Request.Id, closed.FinalBillAmount, earlyExitFee = fee, closed.RefundAmount, closed.AmountDue, closed.Currency, refundId = refund?.RefundId,
        });
        return StepResult.Success(JsonSerializer.Serialize(new
        {
            finalBill = closed.FinalBillAmount,
            earlyExitFee = fee,
            refund = refund?.Amount ?? 0m,
            refundId = refund?.RefundId,
            amountDue = closed.AmountDue,
            currency = closed.Currency,
        }));
    }

    private static StepResult? Failure(BackendResult result, string what) => result.Outcome switch
    {
        BackendOutcome.TransientFailure => StepResult.Unreachable("billing", $"billing {what}: {result.Detail}"),
        BackendOutcome.BusinessFailure => StepResult.Permanent($"billing refused the {what}: {result.Code} {result.Detail}"),
        _ => null,
    };
}
