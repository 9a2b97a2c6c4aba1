using LastCall.Data;
using LastCall.Domain.Partners;
using Microsoft.EntityFrameworkCore;

namespace LastCall.Features.Webhooks;

/// <summary>
/// Claims due deliveries with a lease: pending, due, not leased, and their partner has an enabled
/// endpoint (after a 410 deliveries wait for a new URL). On PostgreSQL the candidates are locked with
/// <c>FOR UPDATE SKIP LOCKED</c> and leased in the same statement, so instances never claim the same
/// delivery; on SQLite (one instance) a conditional update does the same.
/// </summary>
public sealed class WebhookClaims(IDbContextFactory<AppDbContext> contexts, WebhookSettings settings, TimeProvider clock)
{
    public async Task<IReadOnlyList<Guid>> ClaimAsync(int count, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var now = clock.GetUtcNow();
        var until = now + settings.Lease;
        return db.Database.IsNpgsql()
            ? await ClaimOnPostgresAsync(db, count, now, until, ct)
            : await ClaimOnSqliteAsync(db, count, now, until, ct);
    }

    /// <summary>Hands back every delivery this worker still holds (graceful shutdown), so another instance sends it at once.</summary>
    public async Task<int> ReleaseAllAsync(CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var owner = settings.WorkerId;
        return await db.WebhookDeliveries.Where(d => d.LeaseOwner == owner)
            .ExecuteUpdateAsync(u => u
                .SetProperty(d => d.LeaseOwner, (string?)null)
                .SetProperty(d => d.LeaseExpiresAt, (DateTimeOffset?)null)
                .SetProperty(d => d.Version, d => d.Version + 1), ct);
    }

    private async Task<IReadOnlyList<Guid>> ClaimOnPostgresAsync(AppDbContext db, int count, DateTimeOffset now, DateTimeOffset until, CancellationToken ct)
    {
        const string sql = """
            WITH due AS (
                SELECT d."Id" FROM webhook_deliveries d
                JOIN webhook_endpoints e ON e."PartnerId" = d."PartnerId" AND e."DisabledAt" IS NULL
                WHERE d."Status" = 'Pending' AND d."NextAttemptAt" <= @now
                  AND (d."LeaseExpiresAt" IS NULL OR d."LeaseExpiresAt" < @now)
                ORDER BY d."NextAttemptAt"
                LIMIT @count
                FOR UPDATE OF d SKIP LOCKED)
            UPDATE webhook_deliveries w
            SET "LeaseOwner" = @owner, "LeaseExpiresAt" = @until, "Version" = w."Version" + 1
            FROM due WHERE w."Id" = due."Id"
            RETURNING w."Id"
            """;
        return await PostgresClaim.RunAsync(db, sql,
            [("now", now.UtcDateTime), ("until", until.UtcDateTime), ("count", count), ("owner", settings.WorkerId)], ct);
    }

    private async Task<IReadOnlyList<Guid>> ClaimOnSqliteAsync(AppDbContext db, int count, DateTimeOffset now, DateTimeOffset until, CancellationToken ct)
    {
        var candidates = await Due(db, db.WebhookDeliveries, now).OrderBy(d => d.NextAttemptAt).Select(d => d.Id).Take(count).ToListAsync(ct);
        var claimed = new List<Guid>();
        var owner = settings.WorkerId;
        foreach (var id in candidates)
        {
            // The same conditions again: only one conditional update can win a delivery.
            var won = await Due(db, db.WebhookDeliveries.Where(d => d.Id == id), now)
                .ExecuteUpdateAsync(u => u
                    .SetProperty(d => d.LeaseOwner, owner)
                    .SetProperty(d => d.LeaseExpiresAt, until)
                    .SetProperty(d => d.Version, d => d.Version + 1), ct);
            if (won == 1)
                claimed.Add(id);
        }
        return claimed;
    }

    private static IQueryable<WebhookDelivery> Due(AppDbContext db, IQueryable<WebhookDelivery> deliveries, DateTimeOffset now) =>
        deliveries.Where(d => d.Status == DeliveryStatus.Pending && d.NextAttemptAt <= now
            && (d.LeaseExpiresAt == null || d.LeaseExpiresAt < now)
            && db.WebhookEndpoints.Any(e => e.PartnerId == d.PartnerId && e.DisabledAt == null));
}
