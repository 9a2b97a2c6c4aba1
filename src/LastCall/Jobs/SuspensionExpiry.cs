using System.Globalization;
using LastCall.Auditing;
using LastCall.Data;
using LastCall.Domain.Audit;
using LastCall.Hosting;
using LastCall.Integrations.Messaging;
using Microsoft.EntityFrameworkCore;

using Microsoft.Extensions.Options;

namespace LastCall.Jobs;

/// <summary>
/// Finds suspensions still running past their latest end, marks them expired (precheck then warns
/// <c>suspension_expired</c> and staff see the line on the cancellation path) and tells the customer.
/// Runs every <c>Jobs:SuspensionExpiry:IntervalMinutes</c>; <see cref="PeriodicJob.RunOnceAsync"/> is one pass.
/// <para>
/// The notice is not lost when the gateway fails or the instance stops after the expiry's save: the suspension records
/// when its notice was taken and when it was sent, and a notice taken <see cref="NoticeRetryAfter"/> ago and still not
/// sent is taken again by a later pass. The development outbox writes the message with the expiry's save (exactly once);
/// a gateway is asked after it, and each notice it accepts is recorded at once, so only a stop between the gateway's
/// answer and that update sends one twice. Taking a notice is a version-checked save, so two instances never send the same
/// one at once.
/// </para>
/// </summary>
public sealed class SuspensionExpiry(IServiceScopeFactory scopes, IOptionsMonitor<PeriodicJobSettings> settings, TimeProvider clock, ILogger<SuspensionExpiry> logger)
    : PeriodicJob(settings.Get(nameof(SuspensionExpiry)), clock, logger)
{
    /// <summary>How long a taken notice that was not sent waits before a pass takes it again.</summary>
    public static readonly TimeSpan NoticeRetryAfter = TimeSpan.FromMinutes(10);

    protected override string Name => "Suspension expiry";

    protected override string Outcome => "suspensions passed their maximum and were put forward for cancellation, or had their notice sent again";

    protected override async Task<int> RunBatchAsync(int size, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        var audit = scope.ServiceProvider.GetRequiredService<AuditTrail>();
        var policies = scope.ServiceProvider.GetRequiredService<PolicySettings>();
        var sender = scope.ServiceProvider.GetRequiredService<IMessageSender>();
        var now = Clock.GetUtcNow();
        var today = policies.Today(now);
        var retryTakenBy = now - NoticeRetryAfter;
        var due = await db.Suspensions
            .Where(s => s.EndedAt == null
                && ((s.ExpiredAt == null && s.LatestEndOn < today)
                    || (s.ExpiredAt != null && s.ExpiryNoticeSentAt == null && s.ExpiryNoticeTakenAt <= retryTakenBy)))
            .OrderBy(s => s.LatestEndOn).Take(size).ToListAsync(ct);
        // The batch's lines and their owners' languages in one query, not two per suspension.
        var lineIds = due.Select(s => s.LineId).ToList();
        var lines = await db.Lines.AsNoTracking().Where(l => lineIds.Contains(l.Id))
            .Join(db.Customers, l => l.CustomerId, c => c.Id, (l, c) => new { l.Id, l.Msisdn, c.PreferredLanguage })
            .ToDictionaryAsync(l => l.Id, ct);
        var notices = new List<(Domain.Suspensions.Suspension Suspension, OutgoingMessage Message)>();
        foreach (var suspension in due)
        {
            var line = lines[suspension.LineId];
            if (suspension.MarkExpired(today, now))
                audit.Record("suspension.expired", line.Msisdn.Masked(), after: new { suspension.StartedOn, suspension.LatestEndOn }, actor: Actor.System());
            else if (!suspension.TakeExpiryNoticeAgain(retryTakenBy, now))
                continue;
            var since = suspension.StartedOn.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
            notices.Add((suspension, MessageTexts.Sms("suspension_expired", line.Msisdn.Value, line.PreferredLanguage, since)));
        }
        if (sender.SendsWithTheSave)
        {
            foreach (var (suspension, message) in notices)
            {
                await sender.SendWithAsync(db, message, now, ct);
                suspension.RecordExpiryNoticeSent(now);
            }
        }
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            // Another instance expired or took these first, and sends their notices.
            Logger.LogInformation("Suspension expiry: another instance handled this batch first");
            return 0;
        }
        if (!sender.SendsWithTheSave)
            await SendNowAsync(db, sender, notices, now, ct);
        return due.Count;
    }

    /// <summary>
    /// Sends the taken notices through the gateway, recording each as it is accepted. The first failure stops the batch's
    /// sends (the gateway is down, the rest would fail too), and so does half of <see cref="NoticeRetryAfter"/> gone by (a
    /// slow gateway), so that no notice is still being sent when another pass may take it again: the notices left are taken
    /// again after <see cref="NoticeRetryAfter"/>.
    /// </summary>
    private async Task SendNowAsync(AppDbContext db, IMessageSender sender, List<(Domain.Suspensions.Suspension Suspension, OutgoingMessage Message)> notices, DateTimeOffset takenAt, CancellationToken ct)
    {
        foreach (var (suspension, message) in notices)
        {
            // A send is not cancelled once started: stop between them when the host shuts down.
            ct.ThrowIfCancellationRequested();
            if (Clock.GetUtcNow() - takenAt > NoticeRetryAfter / 2)
            {
                Logger.LogWarning("Suspension expiry: the messaging gateway is slow; the notices left are sent again after {Minutes} minutes", NoticeRetryAfter.TotalMinutes);
                return;
            }
            try
            {
                await sender.SendAsync(message, ct);
            }
            catch (MessagingUnavailableException e)
            {
                Logger.LogWarning(e, "Suspension expiry: notices not sent, the messaging gateway is unavailable; they are sent again after {Minutes} minutes", NoticeRetryAfter.TotalMinutes);
                return;
            }
            var sentAt = Clock.GetUtcNow();
            // The version moves too, so a pass that read the suspension before this cannot take its notice again.
            await db.Suspensions.Where(s => s.Id == suspension.Id)
                .ExecuteUpdateAsync(u => u.SetProperty(s => s.ExpiryNoticeSentAt, sentAt).SetProperty(s => s.Version, s => s.Version + 1), CancellationToken.None);
        }
    }
}
