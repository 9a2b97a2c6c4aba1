using System.Globalization;
using System.Text.Json;
using LastCall.Domain.Cancellations;
using LastCall.Domain.Numbers;
using LastCall.Features.Webhooks;
using LastCall.Hosting;
using Microsoft.EntityFrameworkCore;

namespace LastCall.Features.Execution;

/// <summary>
/// The point of no return, in one transaction with the step's success: the line is cancelled, the
/// number goes into quarantine (never assignable before its date), the disconnection register gets
/// its permanent entry, and the partner events are written (<see cref="PartnerEvents"/>).
/// </summary>
public sealed class DisconnectStep(LastCallSettings settings) : IExecutionStep
{
    public const string NumberDisconnected = PartnerEvents.NumberDisconnected;

    public StepName Name => StepName.Disconnect;

    public async Task<StepResult> RunAsync(StepContext context, CancellationToken ct)
    {
        var db = context.Db;
        var line = context.Line;
        if (line.CompleteCancellation(context.Now) is { IsSuccess: false } refused)
            return StepResult.Permanent(refused.Error!.Message);

        var number = await context.PoolNumberAsync(ct);
        if (number.Quarantine(context.Today, settings.QuarantineFor(number.Category), context.Now) is { IsSuccess: false } notQuarantined)
            return StepResult.Permanent(notQuarantined.Error!.Message);

        var entry = Disconnection.Record(line.Msisdn, context.Today, DisconnectionSource.Cancellation, context.Now, context.Request.Id);
        if (!entry.IsSuccess)
            return StepResult.Permanent(entry.Error!.Message);
        db.Disconnections.Add(entry.Value);

        var day = context.Today.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        // number.disconnected, and an unbinding request to every partner holding the number, with their webhook deliveries.
        PartnerEvents.AddDisconnection(db, line.Msisdn, context.Request.Id, context.Today, context.Now, context.Batch.PartnersBoundTo(line.Msisdn));

        context.Audit.Record("number.quarantined", line.Msisdn.Masked(), before: new { state = "Assigned" },
            after: new { state = "Quarantined", until = number.QuarantinedUntil, number.Category, disconnectedOn = day, context.Request.Id });
        return StepResult.Success(JsonSerializer.Serialize(new { disconnectedOn = day, quarantinedUntil = number.QuarantinedUntil }));
    }
}
