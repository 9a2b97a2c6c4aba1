using System.Collections.Concurrent;
using LastCall.Data;
using Microsoft.EntityFrameworkCore;

namespace LastCall.Features.Lookup;

/// <summary>
/// Counts lookups per partner per day without touching the database on the hot path: counts gather
/// in memory and are added to <c>partner_usage</c> every few seconds (and at shutdown) with an upsert,
/// so several instances add up correctly. Numbers are never recorded, only counts.
/// </summary>
public sealed class PartnerMeter(IDbContextFactory<AppDbContext> contexts, TimeProvider clock, Hosting.DatabaseOutage outage, ILogger<PartnerMeter> logger) : BackgroundService
{
    private sealed class Counter
    {
        public long Queries;
        public long Requests;
    }

    private ConcurrentDictionary<(Guid Partner, DateOnly Day), Counter> _pending = new();

    public void Count(Guid partnerId, long queries)
    {
        var counter = _pending.GetOrAdd((partnerId, DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime)), _ => new Counter());
        Interlocked.Add(ref counter.Queries, queries);
        Interlocked.Increment(ref counter.Requests);
    }

    /// <summary>Adds the gathered counts to the database; if that fails they are kept for the next try.</summary>
    public async Task FlushAsync(CancellationToken ct)
    {
        var batch = Interlocked.Exchange(ref _pending, new ConcurrentDictionary<(Guid, DateOnly), Counter>());
        if (batch.IsEmpty)
            return;
        try
        {
            await using var db = await contexts.CreateDbContextAsync(ct);
            // EF keeps Guids as upper-case text on SQLite and as uuid on PostgreSQL.
            var sqlite = db.Database.IsSqlite();
            await using var transaction = await db.Database.BeginTransactionAsync(ct);
            foreach (var ((partner, day), counter) in batch)
            {
                object id = sqlite ? partner.ToString().ToUpperInvariant() : partner;
                await db.Database.ExecuteSqlRawAsync("""
                    INSERT INTO partner_usage ("PartnerId", "Day", "Queries", "Requests") VALUES ({0}, {1}, {2}, {3})
                    ON CONFLICT ("PartnerId", "Day") DO UPDATE SET "Queries" = partner_usage."Queries" + excluded."Queries", "Requests" = partner_usage."Requests" + excluded."Requests"
                    """, [id, day, Interlocked.Read(ref counter.Queries), Interlocked.Read(ref counter.Requests)], ct);
            }
            await transaction.CommitAsync(ct);
        }
        catch
        {
            foreach (var (key, counter) in batch)
            {
                var kept = _pending.GetOrAdd(key, _ => new Counter());
                Interlocked.Add(ref kept.Queries, counter.Queries);
                Interlocked.Add(ref kept.Requests, counter.Requests);
            }
            throw;
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(5), clock);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                try
                {
                    await FlushAsync(stoppingToken);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    // Counts stay in memory meanwhile and are written when the database is back.
                    if (!await outage.PauseAsync("Partner usage metering", e, stoppingToken))
                        logger.LogWarning(e, "Could not record partner usage; the counts are kept for the next flush");
                }
            }
        }
        finally
        {
            try
            {
                await FlushAsync(CancellationToken.None);
            }
            catch (Exception e) when (Hosting.DatabaseOutage.IsUnavailable(e))
            {
                logger.LogWarning("Shutting down without the database: the partner usage of the last seconds is not recorded");
            }
        }
    }
}
