using LastCall.Data;
using LastCall.Domain.Common;
using LastCall.Domain.Numbers;
using LastCall.Features.Lookup;
using LastCall.Hosting;
using LastCall.TestSupport;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging.Abstractions;

namespace LastCall.Tests.Features.Lookup;

/// <summary>
/// The register index on PostgreSQL follows commit order, not entry ids: writers do not wait for each other, and an
/// entry whose transaction commits after a later entry's is still picked up, once, when it commits.
/// </summary>
public sealed class RegisterFollowerTests(PostgresCluster postgres)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private static readonly DateTimeOffset Now = new(2026, 12, 1, 8, 0, 0, TimeSpan.Zero);
    private static readonly DateOnly Day = new(2026, 10, 2);

    [Fact]
    public async Task AnEntryCommittedAfterALaterOne_IsFollowedWhenItCommits_AndWritersDoNotWaitForEachOther()
    {
        using var database = await TestDatabase.CreateAsync(DatabaseProvider.Postgres, postgres);
        var (earlier, later) = (TestData.Next(), TestData.Next());
        using var register = await StartFollowingAsync(database);

        // The earlier entry gets the lower id, but its transaction stays open…
        await using var first = database.CreateContext();
        await using var firstTransaction = await first.Database.BeginTransactionAsync(Ct);
        first.Disconnections.Add(Entry(earlier));
        await first.SaveChangesAsync(Ct);

        // …while the later entry is saved and committed without waiting for it.
        await using var second = database.CreateContext();
        second.Disconnections.Add(Entry(later));
        await second.SaveChangesAsync(Ct).WaitAsync(TimeSpan.FromSeconds(30), Ct);

        var index = register.Index!;
        await register.CatchUpAsync(index, Ct);
        Assert.Null(index.LatestDisconnection(Number(earlier)));

        await firstTransaction.CommitAsync(Ct);
        await CatchUpUntilFollowedAsync(register, index, earlier, later);
        Assert.Equal(Day, index.LatestDisconnection(Number(earlier)));
        Assert.Equal(Day, index.LatestDisconnection(Number(later)));
        Assert.Equal(2, index.Count); // each entry applied once, whoever caught up

        await using var reader = database.CreateContext();
        var ids = await reader.Disconnections.AsNoTracking().OrderBy(d => d.Id).Select(d => d.Msisdn).ToListAsync(Ct);
        Assert.Equal([TestData.Msisdn(earlier), TestData.Msisdn(later)], ids.Select(m => m.Value));
    }

    [Fact]
    public async Task WhileAnImportHoldsTheRegisterLocked_TheFollowerLetsItBe_AndTakesItsEntriesAfterItsCommit()
    {
        using var database = await TestDatabase.CreateAsync(DatabaseProvider.Postgres, postgres);
        var number = TestData.Next();
        var outage = new DatabaseOutage(database.Contexts(), TimeProvider.System, NullLogger<DatabaseOutage>.Instance);
        using var register = await StartFollowingAsync(database, outage: outage);
        var index = register.Index!;

        // A large register import's transaction (decision 0034): the register locked exclusively, entries written under the lock.
        await using var import = database.CreateContext();
        await using var transaction = await import.Database.BeginTransactionAsync(Ct);
        await import.Database.ExecuteSqlRawAsync("LOCK TABLE disconnections IN ACCESS EXCLUSIVE MODE", Ct);
        import.Disconnections.Add(Entry(number));
        await import.SaveChangesAsync(Ct);

        // The catch-up (and the follower's own loop) do not queue behind the lock, where they would wait 30 s for the
        // command to time out and count that as a database outage.
        Assert.Equal(0, await register.CatchUpAsync(index, Ct).WaitAsync(TimeSpan.FromSeconds(20), Ct));
        Assert.False(outage.IsDown);

        await transaction.CommitAsync(Ct);
        await CatchUpUntilFollowedAsync(register, index, number);
        Assert.False(outage.IsDown);
    }

    [Fact]
    public async Task EntriesAlreadyThereAtStart_AreLoaded_AndANewOneIsFollowed()
    {
        using var database = await TestDatabase.CreateAsync(DatabaseProvider.Postgres, postgres);
        var (before, after) = (TestData.Next(), TestData.Next());
        await using (var db = database.CreateContext())
        {
            db.Disconnections.Add(Entry(before));
            await db.SaveChangesAsync(Ct);
        }
        using var register = await StartFollowingAsync(database);
        var index = register.Index!;
        // The load reads what committed below the cluster's horizon (decision 0011); a transaction another test holds
        // open in the shared cluster keeps the horizon back, and the follower adds the entry as soon as it passes.
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (index.LatestDisconnection(Number(before)) is null)
        {
            Assert.True(waited.Elapsed < TimeSpan.FromSeconds(30), "an entry committed before the start was neither loaded nor followed within 30 s");
            await Task.Delay(20, Ct);
        }
        Assert.Equal(Day, index.LatestDisconnection(Number(before)));

        await using (var db = database.CreateContext())
        {
            db.Disconnections.Add(Entry(after));
            await db.SaveChangesAsync(Ct);
        }
        await CatchUpUntilFollowedAsync(register, index, after);
        Assert.Equal(Day, index.LatestDisconnection(Number(after)));
        Assert.Equal(2, index.Count);
    }

    [Fact]
    public async Task ACommittedEntry_ReachesTheIndexWithoutWaitingForThePoll()
    {
        using var database = await TestDatabase.CreateAsync(DatabaseProvider.Postgres, postgres);
        // Polling once a minute: only the commit's notification can bring the entry in within the wait below.
        using var register = await StartFollowingAsync(database, pollMilliseconds: 60_000);
        var index = register.Index!;
        // Listening begins before the first catch-up after loading, so even this early entry is not left to the poll.
        var number = TestData.Next();
        await using (var db = database.CreateContext())
        {
            db.Disconnections.Add(Entry(number));
            await db.SaveChangesAsync(Ct);
        }
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (index.LatestDisconnection(Number(number)) is null)
        {
            Assert.True(waited.Elapsed < TimeSpan.FromSeconds(30), "the entry did not reach the index within 30 s although its commit notified the follower");
            await Task.Delay(20, Ct);
        }

        // A second entry, written while the follower is certainly listening.
        var second = TestData.Next();
        await using (var db = database.CreateContext())
        {
            db.Disconnections.Add(Entry(second));
            await db.SaveChangesAsync(Ct);
        }
        waited.Restart();
        while (index.LatestDisconnection(Number(second)) is null)
        {
            Assert.True(waited.Elapsed < TimeSpan.FromSeconds(30), "the entry did not reach the index within 30 s although its commit notified the follower");
            await Task.Delay(20, Ct);
        }
    }

    [Fact]
    public async Task ConcurrentWriters_CommittingOutOfIdOrder_WhileTheIndexFollows_LoseNoEntryAndApplyNoneTwice()
    {
        using var database = await TestDatabase.CreateAsync(DatabaseProvider.Postgres, postgres);
        // Polling every 10 ms besides the notifications, and catch-ups from the test at the same time: the follower reads
        // while transactions of lower ids are still open and those of higher ids have committed.
        using var register = await StartFollowingAsync(database, pollMilliseconds: 10);
        var index = register.Index!;
        const int Writers = 8, TransactionsEach = 12, EntriesEach = 3;
        var numbers = new System.Collections.Concurrent.ConcurrentBag<int>();
        using var stop = new CancellationTokenSource();
        var catchingUp = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                await register.CatchUpAsync(index, Ct);
                await Task.Delay(3, Ct);
            }
        }, Ct);
        await Task.WhenAll(Enumerable.Range(0, Writers).Select(writer => Task.Run(async () =>
        {
            var random = new Random(writer);
            for (var t = 0; t < TransactionsEach; t++)
            {
                await using var db = database.CreateContext();
                await using var transaction = await db.Database.BeginTransactionAsync(Ct);
                for (var e = 0; e < EntriesEach; e++)
                {
                    var n = TestData.Next();
                    db.Disconnections.Add(Entry(n));
                    await db.SaveChangesAsync(Ct);
                    numbers.Add(n);
                }
                // Ids are taken; the commit comes later, after other writers' commits of higher ids.
                await Task.Delay(random.Next(0, 25), Ct);
                await transaction.CommitAsync(Ct);
            }
        }, Ct)));
        await stop.CancelAsync();
        await catchingUp;

        await CatchUpUntilFollowedAsync(register, index, [.. numbers]);
        Assert.Equal(Writers * TransactionsEach * EntriesEach, numbers.Count);
        Assert.All(numbers, n => Assert.Equal(Day, index.LatestDisconnection(Number(n))));
        // Every entry applied exactly once, whichever catch-up read it.
        Assert.Equal(numbers.Count, index.Count);
    }

    [Fact]
    public async Task TheHorizonQuestion_IsAnsweredFromTheIndex_EvenBeforeTheRegisterHasStatistics()
    {
        using var database = await TestDatabase.CreateAsync(DatabaseProvider.Postgres, postgres);
        await using var db = database.CreateContext();
        // A register just loaded in bulk, not analyzed yet: the planner knows its size but nothing of its values.
        await db.Database.ExecuteSqlRawAsync("""
            INSERT INTO disconnections ("Msisdn", "DisconnectedOn", "Source", "RecordedAt")
            SELECT '+86139' || lpad(g::text, 8, '0'), date '2020-01-01', 'Import', now() FROM generate_series(1, 20000) g
            """, Ct);

        // The follower asks this on every catch-up: a scan of the whole register there would delay every new entry on every
        // instance (384 ms at 1 M entries, seen after an import until autovacuum analyzed the table).
        await db.Database.OpenConnectionAsync(Ct);
        await using var explain = db.Database.GetDbConnection().CreateCommand();
        explain.CommandText = $"EXPLAIN (FORMAT JSON) {RegisterIndexService.HorizonSql}";
        var text = (string)(await explain.ExecuteScalarAsync(Ct))!;
        Assert.DoesNotContain("Seq Scan", text, StringComparison.Ordinal);
        Assert.Contains("IX_disconnections_WrittenInTransaction_Id", text, StringComparison.Ordinal);
    }

    /// <summary>
    /// Catches up until the entries are in the index: the horizon is the whole cluster's, so a transaction another test
    /// holds open in the shared cluster keeps committed entries back until it ends (decision 0011).
    /// </summary>
    private static async Task CatchUpUntilFollowedAsync(RegisterIndexService register, DisconnectionIndex index, params int[] numbers)
    {
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (true)
        {
            await register.CatchUpAsync(index, Ct);
            if (numbers.All(n => index.LatestDisconnection(Number(n)) is not null))
                return;
            Assert.True(waited.Elapsed < TimeSpan.FromSeconds(30), "committed entries were not followed within 30 s");
            await Task.Delay(20, Ct);
        }
    }

    private static async Task<RegisterIndexService> StartFollowingAsync(TestDatabase database, int pollMilliseconds = 250, DatabaseOutage? outage = null)
    {
        var contexts = database.Contexts();
        var register = new RegisterIndexService(contexts, new RegisterSettings { PollMilliseconds = pollMilliseconds },
            outage ?? new DatabaseOutage(contexts, TimeProvider.System, NullLogger<DatabaseOutage>.Instance), NullLogger<RegisterIndexService>.Instance);
        await register.StartAsync(Ct);
        await register.Loaded.WaitAsync(TimeSpan.FromSeconds(60), Ct);
        return register;
    }

    private static long Number(int n) => DisconnectionIndex.TryParseMsisdn(TestData.Msisdn(n), out var msisdn) ? msisdn : throw new FormatException(TestData.Msisdn(n));

    private static Disconnection Entry(int n) =>
        Disconnection.Record(Msisdn.Parse(TestData.Msisdn(n)), Day, DisconnectionSource.Cancellation, Now).Value;
}
