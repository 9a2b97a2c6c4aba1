using System.Globalization;
using LastCall.Auditing;
using LastCall.Data;
using LastCall.Domain.Audit;
using LastCall.Domain.Cancellations;
using LastCall.Features.Execution;
using LastCall.Hosting;
using LastCall.Integrations.Messaging;
using Microsoft.EntityFrameworkCore;

namespace LastCall.Features.Cancellations;

/// <summary>
/// Tells the customer about their request on every contact channel we hold (SMS to the line, and
/// e-mail when known), in their language. Before anything is executed they learn the effective date
/// and how to stop it.
/// </summary>
public sealed class CancellationNotices(AppDbContext db, IDbContextFactory<AppDbContext> contexts, IMessageSender sender, PolicySettings policies, ExecutionSignal execution, TimeProvider clock, ILogger<CancellationNotices> logger)
{
    /// <summary>Until when the owner can stop it, in the operator's time zone: the later of the cooling-off's end and the effective day.</summary>
    private string StopUntilText(CancellationRequest request, DateTimeOffset now)
    {
        var effective = request.EffectiveOn.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        if (request.CoolingOffEnds(policies.CoolingOff, now) is not { } ends || policies.Today(ends) < request.EffectiveOn)
            return effective;
        return TimeZoneInfo.ConvertTime(ends, policies.TimeZone).ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture);
    }

    /// <summary>
    /// Sends the notice for the request's current status, after the change was saved; for an approval it records
    /// <see cref="CancellationRequest.NoticeSentAt"/> on its own (an execution worker may already hold the request).
    /// </summary>
    public async Task SendAsync(CancellationRequest request, CancellationToken ct)
    {
        if (await RenderAsync(request, ct) is not { } messages)
            return;
        try
        {
            foreach (var message in messages)
                await sender.SendAsync(message, ct);
            if (request.Status is CancellationStatus.Approved or CancellationStatus.Scheduled)
            {
                // An approved request waits for this notice (CancellationRequest.ApprovalNoticeWait): it is due now, and
                // the execution worker is told so rather than finding it at its next poll.
                var now = clock.GetUtcNow();
                request.RecordNoticeSent(now);
                await db.CancellationRequests.Where(r => r.Id == request.Id).ExecuteUpdateAsync(u => u
                    .SetProperty(r => r.NoticeSentAt, now)
                    .SetProperty(r => r.NextAttemptAt, r => r.LeaseOwner == null && r.Status == CancellationStatus.Approved ? null : r.NextAttemptAt),
                    // Not the request's token: the messages went out, so the record must be kept even if the client has gone.
                    CancellationToken.None);
                if (request.Status == CancellationStatus.Approved)
                    execution.Notify();
            }
        }
        catch (MessagingUnavailableException e)
        {
            // The request itself stands; NoticeSentAt stays empty, so execution sends the notice before it acts.
            logger.LogWarning(e, "Could not send the {Template} notice for cancellation {Id}", messages[0].Template, request.Id);
        }
    }

    /// <summary>
    /// Sends the approval notice of a request the execution worker holds, before any step acts, and records
    /// <see cref="CancellationRequest.NoticeSentAt"/> with a <c>notice_sent</c> audit event. The development outbox writes the
    /// messages with the worker's next save, which records the notice and its event too, so a crash before it neither loses
    /// the notice nor sends it twice. A gateway has sent them already: the notice and its event are recorded at once, in a
    /// transaction of their own, so that a batch whose first save fails (and whose requests then run one by one) neither
    /// texts the customers again nor loses the event; only a crash between the gateway's answer and that commit sends a
    /// notice twice. Returns false when messaging is unavailable.
    /// </summary>
    public async Task<bool> SendBeforeExecutingAsync(CancellationRequest request, CancellationToken ct)
    {
        if (await RenderAsync(request, ct) is not { } messages)
            return true;
        var now = clock.GetUtcNow();
        try
        {
            foreach (var message in messages)
                await sender.SendWithAsync(db, message, now, ct);
        }
        catch (MessagingUnavailableException e)
        {
            logger.LogWarning(e, "Could not send the {Template} notice for cancellation {Id}", messages[0].Template, request.Id);
            return false;
        }
        request.RecordNoticeSent(now);
        void RecordSentIn(AppDbContext unit) => AuditTrail.RecordIn(unit, Actor.System(), request.EventName("notice_sent"), request.Msisdn.Masked(), null,
            new { request.Id, request.NoticeSentAt, messages = messages.Count, coolingOffEnds = request.CoolingOffEnds(policies.CoolingOff, now) }, now);
        if (sender.SendsWithTheSave)
        {
            RecordSentIn(db);
            return true;
        }
        // Not the worker's token: the messages went out, so their record must be kept even when the worker is stopping.
        await using var own = await contexts.CreateDbContextAsync(CancellationToken.None);
        await using var transaction = await own.Database.BeginTransactionAsync(CancellationToken.None);
        await own.CancellationRequests.Where(r => r.Id == request.Id).ExecuteUpdateAsync(u => u.SetProperty(r => r.NoticeSentAt, now), CancellationToken.None);
        RecordSentIn(own);
        await own.SaveChangesAsync(CancellationToken.None);
        await transaction.CommitAsync(CancellationToken.None);
        return true;
    }

    /// <summary>The SMS to the line (and the e-mail, when known) for the request's current status, or null when it has none.</summary>
    private async Task<List<OutgoingMessage>?> RenderAsync(CancellationRequest request, CancellationToken ct)
    {
        var template = request.Status switch
        {
            CancellationStatus.UnderReview => "cancellation_received",
            CancellationStatus.Approved when request.MadeAtTheCounter && request.Effective == EffectivePolicy.Immediate => "cancellation_executing",
            CancellationStatus.Approved or CancellationStatus.Scheduled => "cancellation_approved",
            CancellationStatus.Rejected => "cancellation_rejected",
            CancellationStatus.Withdrawn => "cancellation_withdrawn",
            _ => null,
        };
        if (template is null)
            return null;
        var customer = await db.Customers.FindAsync([request.CustomerId], ct) ?? throw new InvalidOperationException($"Request {request.Id} has no customer.");
        var language = customer.PreferredLanguage;
        object[] arguments =
        [
            request.Msisdn.Masked(),
            request.EffectiveOn.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            policies.PortalUrl.TrimEnd('/') + "/cancellations/" + request.Id,
            request.ReviewDueBy?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) ?? "",
            request.RejectionReason ?? "",
            StopUntilText(request, clock.GetUtcNow()),
        ];
        List<OutgoingMessage> messages = [MessageTexts.Sms(template, request.Msisdn.Value, language, arguments)];
        if (customer.Email is { Length: > 0 } email)
            messages.Add(MessageTexts.Email(template, email, language, arguments));
        return messages;
    }
}
