using LastCall.Data;
using LastCall.Domain.Identity;
using LastCall.Features.Lookup;
using LastCall.TestSupport;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;

namespace LastCall.Tests.Features.Lookup;

/// <summary>The partners' usage meter, which bills lookups: every counted lookup reaches <c>partner_usage</c> exactly once.</summary>
public sealed class PartnerMeterTests(PostgresCluster postgres)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Counts_made_while_flushes_run_are_each_recorded_once()
    {
        using var database = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite, postgres);
        var partner = await AddPartnerAsync(database);
        var meter = new PartnerMeter(database.Contexts(), TimeProvider.System, TestOutage.NeverStarted(), NullLogger<PartnerMeter>.Instance);

        // Two threads count without pause while the test flushes again and again, so that counts land in every phase of a flush.
        using var stop = new CancellationTokenSource();
        using var started = new CountdownEvent(2);
        var counters = Enumerable.Range(0, 2).Select(_ => Task.Factory.StartNew(() =>
        {
            meter.Count(partner, 3);
            long requests = 1;
            started.Signal();
            while (!stop.IsCancellationRequested)
            {
                meter.Count(partner, 3);
                requests++;
            }
            return requests;
        }, Ct, TaskCreationOptions.LongRunning, TaskScheduler.Default)).ToArray();
        started.Wait(Ct);
        for (var flush = 0; flush < 30; flush++)
            await meter.FlushAsync(Ct);
        await stop.CancelAsync();
        var counted = (await Task.WhenAll(counters)).Sum();
        await meter.FlushAsync(Ct);

        await using var db = database.CreateContext();
        var usage = await db.PartnerUsage.AsNoTracking().SingleAsync(u => u.PartnerId == partner, Ct);
        Assert.True(counted > 0);
        Assert.Equal(counted, usage.Requests);
        Assert.Equal(3 * counted, usage.Queries);
    }

    [Fact]
    public async Task Counts_of_a_failed_flush_are_written_by_the_next_one()
    {
        using var database = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite, postgres);
        var partner = await AddPartnerAsync(database);
        var contexts = new FailingContexts(database);
        var meter = new PartnerMeter(contexts, TimeProvider.System, TestOutage.NeverStarted(), NullLogger<PartnerMeter>.Instance);
        meter.Count(partner, 5);

        contexts.Failing = true;
        await Assert.ThrowsAnyAsync<Exception>(() => meter.FlushAsync(Ct));
        meter.Count(partner, 2);
        contexts.Failing = false;
        await meter.FlushAsync(Ct);
        await meter.FlushAsync(Ct);

        await using var db = database.CreateContext();
        var usage = await db.PartnerUsage.AsNoTracking().SingleAsync(u => u.PartnerId == partner, Ct);
        Assert.Equal((7, 2), (usage.Queries, usage.Requests));
    }

    private static async Task<Guid> AddPartnerAsync(TestDatabase database)
    {
        await using var db = database.CreateContext();
        var partner = Partner.Register("Example Bank", DateTimeOffset.UtcNow).Value;
        db.Partners.Add(partner);
        await db.SaveChangesAsync(Ct);
        return partner.Id;
    }

    /// <summary>The test database's contexts; while <see cref="Failing"/>, a database that refuses every connection.</summary>
    private sealed class FailingContexts(TestDatabase database) : IDbContextFactory<AppDbContext>
    {
        public bool Failing { get; set; }

        public AppDbContext CreateDbContext()
        {
            if (!Failing)
                return database.CreateContext();
            var options = new DbContextOptionsBuilder<AppDbContext>();
            options.UseLastCallDatabase(DatabaseProvider.Sqlite, $"Data Source={Path.Combine(Path.GetTempPath(), "missing-" + Guid.NewGuid().ToString("N"), "db.sqlite")};Mode=ReadWrite");
            return new AppDbContext(options.Options);
        }
    }
}
