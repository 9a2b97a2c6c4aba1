using System.Globalization;
using LastCall.Auditing;
using LastCall.Data;
using LastCall.Domain.Audit;
using LastCall.Hosting;
using LastCall.Integrations.Messaging;
using Microsoft.EntityFrameworkCore;

namespace LastCall.Features.Suspensions;

/// <summary>
/// Finds suspensions still running past their latest end, marks them expired (precheck then warns
/// <c>suspension_expired</c> and staff see the line on the cancellation path) and tells the customer.
/// Runs every hour; <see cref="RunOnceAsync"/> is one pass.
/// </summary>
public sealed class SuspensionExpiry(IServiceScopeFactory scopes, TimeProvider clock, ILogger<SuspensionExpiry> logger) : BackgroundService
{
    public async Task<int> RunOnceAsync(CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var audit = scope.ServiceProvider.GetRequiredService<AuditTrail>();
        var policies = scope.ServiceProvider.GetRequiredService<PolicySettings>();
        var sender = scope.ServiceProvider.GetRequiredService<IMessageSender>();
        var db = audit.Db;
        var now = clock.GetUtcNow();
        var today = policies.Today(now);
        var due = await db.Suspensions.Where(s => s.EndedAt == null && s.ExpiredAt == null && s.LatestEndOn < today).Take(500).ToListAsync(ct);
        var notices = new List<(string Msisdn, string Language, DateOnly Since)>();
        foreach (var suspension in due)
        {
            if (!suspension.MarkExpired(today, now))
                continue;
            var line = await db.Lines.AsNoTracking().FirstAsync(l => l.Id == suspension.LineId, ct);
            var owner = await db.Customers.AsNoTracking().FirstAsync(c => c.Id == line.CustomerId, ct);
            audit.Record("suspension.expired", line.Msisdn.Masked(), after: new { suspension.StartedOn, suspension.LatestEndOn }, actor: Actor.System());
            notices.Add((line.Msisdn.Value, owner.PreferredLanguage, suspension.StartedOn));
        }
        await audit.SaveChangesAsync(ct);
        foreach (var (msisdn, language, since) in notices)
            await sender.SendAsync(MessageTexts.Sms("suspension_expired", msisdn, language, since.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)), ct);
        return notices.Count;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromHours(1), clock);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                var marked = await RunOnceAsync(stoppingToken);
                if (marked > 0)
                    logger.LogInformation("{Count} suspensions passed their maximum and were put forward for cancellation", marked);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                if (Hosting.DatabaseOutage.IsUnavailable(e))
                    logger.LogWarning("Suspension expiry pass skipped, the database is unavailable; it runs again in an hour");
                else
                    logger.LogWarning(e, "Suspension expiry pass failed; it runs again in an hour");
            }
        }
    }
}
