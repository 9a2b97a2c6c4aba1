using System.Globalization;
using System.Text.Json;
using LastCall.Domain.Cancellations;
using LastCall.Features.Webhooks;

namespace LastCall.Features.Execution;

/// <summary>
/// A port-out's point of no return, in one transaction with the step's success: the line is ported out and the number
/// is no longer ours (never quarantined, never given out by us), and <c>number.ported_out</c> goes to the partners
/// watching it. Unlike a cancellation there is no register entry, no certificate and no unbinding: the owner kept the
/// number, so nobody inherits their accounts.
/// </summary>
public sealed class HandOverNumberStep : IExecutionStep
{
    public StepName Name => StepName.HandOverNumber;

    public async Task<StepResult> RunAsync(StepContext context, CancellationToken ct)
    {
        var line = context.Line;
        if (line.CompletePortOut(context.Now) is { IsSuccess: false } refused)
            return StepResult.Permanent(refused.Error!.Message);

        var number = await context.PoolNumberAsync(ct);
        if (number.PortOut(context.Now) is { IsSuccess: false } notPorted)
            return StepResult.Permanent(notPorted.Error!.Message);

        var recipient = context.Request.RecipientOperator ?? "";
        PartnerEvents.AddPortOut(context.Db, line.Msisdn, context.Request.Id, context.Today, recipient, context.Now, context.Batch.PartnersWatching(line.Msisdn));
        var day = context.Today.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        context.Audit.Record("number.ported_out", line.Msisdn.Masked(), before: new { state = "Assigned" },
            after: new { state = "PortedOut", portedOutOn = day, recipientOperator = recipient, context.Request.Id });
        return StepResult.Success(JsonSerializer.Serialize(new { portedOutOn = day, recipientOperator = recipient }));
    }
}
