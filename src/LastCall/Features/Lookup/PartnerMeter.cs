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

    /// <summary>
    /// One counter per partner and day, kept until its day is past and it is empty: a flush takes what a counter holds
    /// and leaves it in place, so a count that lands while a flush runs stays for the next one. (Swapping in a new
    /// dictionary instead lost a count whose request had taken its counter from the old one just before the swap and added
    /// to it after the flush had read it.)
    /// </summary>
    private readonly ConcurrentDictionary<(Guid Partner, DateOnly Day), Counter> _counters = new();

    public void Count(Guid partnerId, long queries)
    {
        var counter = _counters.GetOrAdd((partnerId, Today()), _ => new Counter());
        Interlocked.Add(ref counter.Queries, queries);
        Interlocked.Increment(ref counter.Requests);
    }

    /// <summary>Adds the gathered counts to the database; if that fails they are given back for the next try.</summary>
    public async Task FlushAsync(CancellationToken ct)
    {
        ForgetPastDays();
        var taken = new List<((Guid Partner, DateOnly Day) Key, long Queries, long Requests)>();
        foreach (var (key, counter) in _counters)
        {
            var requests = Interlocked.Exchange(ref counter.Requests, 0);
            var queries = Interlocked.Exchange(ref counter.Queries, 0);
            if (requests != 0 || queries != 0)
                taken.Add((key, queries, requests));
        }
        if (taken.Count == 0)
            return;
        // The same order on every instance, so that two instances' upserts of the same rows cannot deadlock.
        taken.Sort((a, b) => a.Key.CompareTo(b.Key));
        try
        {
            await using var db = await contexts.CreateDbContextAsync(ct);
            // EF keeps Guids as upper-case text on SQLite and as uuid on PostgreSQL.
            var sqlite = db.Database.IsSqlite();
            await using var transaction = await db.Database.BeginTransactionAsync(ct);
            foreach (var ((partner, day), queries, requests) in taken)
            {
                object id = sqlite ? partner.ToString().ToUpperInvariant() : partner;
                await db.Database.ExecuteSqlRawAsync("""
                    INSERT INTO partner_usage ("PartnerId", "Day", "Queries", "Requests") VALUES ({0}, {1}, {2}, {3})
                    ON CONFLICT ("PartnerId", "Day") DO UPDATE SET "Queries" = partner_usage."Queries" + excluded."Queries", "Requests" = partner_usage."Requests" + excluded."Requests"
                    """, [id, day, queries, requests], ct);
            }
            // Not cancellable: a commit cancelled after the server applied it would give the counts back and bill them twice.
            await transaction.CommitAsync(CancellationToken.None);
        }
        catch
        {
            foreach (var (key, queries, requests) in taken)
            {
                var counter = _counters.GetOrAdd(key, _ => new Counter());
                Interlocked.Add(ref counter.Queries, queries);
                Interlocked.Add(ref counter.Requests, requests);
            }
            throw;
        }
    }

    /// <summary>
    /// Drops the counters of days before yesterday once they are empty. No request counts into them any more: a request
    /// takes today's counter, so only one that took it just before midnight can still add to yesterday's.
    /// </summary>
    private void ForgetPastDays()
    {
        var yesterday = Today().AddDays(-1);
        foreach (var (key, counter) in _counters)
        {
            if (key.Day >= yesterday || Interlocked.Read(ref counter.Requests) != 0 || Interlocked.Read(ref counter.Queries) != 0
                || !_counters.TryRemove(new KeyValuePair<(Guid, DateOnly), Counter>(key, counter)))
                continue;
            // A failed flush running beside this one may have given counts back to it meanwhile: keep them.
            var requests = Interlocked.Exchange(ref counter.Requests, 0);
            var queries = Interlocked.Exchange(ref counter.Queries, 0);
            if (requests != 0 || queries != 0)
            {
                var kept = _counters.GetOrAdd(key, _ => new Counter());
                Interlocked.Add(ref kept.Requests, requests);
                Interlocked.Add(ref kept.Queries, queries);
            }
        }
    }

    private DateOnly Today() => DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);

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
