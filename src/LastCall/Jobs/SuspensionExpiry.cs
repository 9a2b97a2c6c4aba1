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
/// </summary>
public sealed class SuspensionExpiry(IServiceScopeFactory scopes, IOptionsMonitor<PeriodicJobSettings> settings, TimeProvider clock, ILogger<SuspensionExpiry> logger)
    : PeriodicJob(settings.Get(nameof(SuspensionExpiry)), clock, logger)
{
    protected override string Name => "Suspension expiry";

    protected override string Outcome => "suspensions passed their maximum and were put forward for cancellation";

    protected override async Task<int> RunBatchAsync(int size, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        var audit = scope.ServiceProvider.GetRequiredService<AuditTrail>();
        var policies = scope.ServiceProvider.GetRequiredService<PolicySettings>();
        var sender = scope.ServiceProvider.GetRequiredService<IMessageSender>();
        var now = Clock.GetUtcNow();
        var today = policies.Today(now);
        var due = await db.Suspensions.Where(s => s.EndedAt == null && s.ExpiredAt == null && s.LatestEndOn < today)
            .OrderBy(s => s.LatestEndOn).Take(size).ToListAsync(ct);
        // The batch's lines and their owners' languages in one query, not two per suspension.
        var lineIds = due.Select(s => s.LineId).ToList();
        var lines = await db.Lines.AsNoTracking().Where(l => lineIds.Contains(l.Id))
            .Join(db.Customers, l => l.CustomerId, c => c.Id, (l, c) => new { l.Id, l.Msisdn, c.PreferredLanguage })
            .ToDictionaryAsync(l => l.Id, ct);
        var notices = new List<(string Msisdn, string Language, DateOnly Since)>();
        foreach (var suspension in due)
        {
            if (!suspension.MarkExpired(today, now))
                continue;
            var line = lines[suspension.LineId];
            audit.Record("suspension.expired", line.Msisdn.Masked(), after: new { suspension.StartedOn, suspension.LatestEndOn }, actor: Actor.System());
            notices.Add((line.Msisdn.Value, line.PreferredLanguage, suspension.StartedOn));
        }
        await db.SaveChangesAsync(ct);
        foreach (var (msisdn, language, since) in notices)
        {
            // A send is not cancelled once started: stop between them when the host shuts down.
            ct.ThrowIfCancellationRequested();
            await sender.SendAsync(MessageTexts.Sms("suspension_expired", msisdn, language, since.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)), ct);
        }
        return notices.Count;
    }
}
