using LastCall.Data;
using LastCall.Domain.Common;
using LastCall.Domain.Numbers;
using LastCall.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace LastCall.Tests.Persistence;

/// <summary>
/// The register lock on PostgreSQL: while a writer (bulk or single) holds it with an entry not yet committed,
/// another writer's entry waits, so sequence numbers commit in order and an index follower never skips one.
/// </summary>
public sealed class RegisterWriteOrderTests(PostgresCluster postgres)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private static readonly DateTimeOffset Now = new(2026, 12, 1, 8, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task AnEntryWrittenUnderTheLock_CommitsBeforeALaterWriterGetsAHigherSequenceNumber()
    {
        using var database = await TestDatabase.CreateAsync(DatabaseProvider.Postgres, postgres);
        await using var bulk = await BeginBulkWriteAsync(database);

        await using var other = database.CreateContext();
        other.Disconnections.Add(Entry(TestData.Next(), DisconnectionSource.Cancellation));
        var otherSave = other.SaveChangesAsync(Ct);

        // The other writer cannot insert while the bulk write is open…
        Assert.NotSame(otherSave, await Task.WhenAny(otherSave, Task.Delay(TimeSpan.FromSeconds(1), Ct)));
        await bulk.Database.CommitTransactionAsync(Ct);
        await otherSave;

        // …so what a reader sees after the bulk commit is already in sequence order.
        await using var reader = database.CreateContext();
        var entries = await reader.Disconnections.AsNoTracking().OrderBy(d => d.Id).Select(d => new { d.Id, d.Source }).ToListAsync(Ct);
        Assert.Equal([DisconnectionSource.Import, DisconnectionSource.Cancellation], entries.Select(e => e.Source));
    }

    [Fact]
    public async Task ABulkWrite_WaitsForAnEntryAlreadyInserted_AndGetsHigherSequenceNumbers()
    {
        using var database = await TestDatabase.CreateAsync(DatabaseProvider.Postgres, postgres);
        await using var single = database.CreateContext();
        await using var transaction = await single.Database.BeginTransactionAsync(Ct);
        single.Disconnections.Add(Entry(TestData.Next(), DisconnectionSource.Cancellation));
        await single.SaveChangesAsync(Ct);

        await using var bulk = database.CreateContext();
        bulk.Disconnections.Add(Entry(TestData.Next(), DisconnectionSource.Import));
        var bulkSave = RegisterWriteOrder.SaveChangesAsync(bulk, Ct);

        Assert.NotSame(bulkSave, await Task.WhenAny(bulkSave, Task.Delay(TimeSpan.FromSeconds(1), Ct)));
        await transaction.CommitAsync(Ct);
        await bulkSave;

        await using var reader = database.CreateContext();
        var entries = await reader.Disconnections.AsNoTracking().OrderBy(d => d.Id).Select(d => d.Source).ToListAsync(Ct);
        Assert.Equal([DisconnectionSource.Cancellation, DisconnectionSource.Import], entries);
    }

    [Fact]
    public async Task ASingleInsert_WaitsForAnotherSingleInsertNotYetCommitted_AndGetsTheHigherSequenceNumber()
    {
        using var database = await TestDatabase.CreateAsync(DatabaseProvider.Postgres, postgres);
        // A completing cancellation's save, its transaction still open (the interceptor took the register lock).
        var (firstNumber, secondNumber) = (TestData.Next(), TestData.Next());
        await using var first = database.CreateContext();
        await using var firstTransaction = await first.Database.BeginTransactionAsync(Ct);
        first.Disconnections.Add(Entry(firstNumber, DisconnectionSource.Cancellation));
        await first.SaveChangesAsync(Ct);

        // A save of a single entry (one statement) still takes the lock: the interceptor makes it transactional.
        await using var second = database.CreateContext();
        second.Disconnections.Add(Entry(secondNumber, DisconnectionSource.Cancellation));
        var secondSave = second.SaveChangesAsync(Ct);

        Assert.NotSame(secondSave, await Task.WhenAny(secondSave, Task.Delay(TimeSpan.FromSeconds(1), Ct)));
        await firstTransaction.CommitAsync(Ct);
        await secondSave;

        await using var reader = database.CreateContext();
        var entries = await reader.Disconnections.AsNoTracking().OrderBy(d => d.Id).Select(d => d.Msisdn).ToListAsync(Ct);
        Assert.Equal([TestData.Msisdn(firstNumber), TestData.Msisdn(secondNumber)], entries.Select(m => m.Value));
    }

    [Fact]
    public async Task ASingleInsert_GivesUpAfterFiveSeconds_WhileABulkWriteHoldsTheRegister()
    {
        using var database = await TestDatabase.CreateAsync(DatabaseProvider.Postgres, postgres);
        await using var bulk = await BeginBulkWriteAsync(database);

        await using var single = database.CreateContext();
        single.Disconnections.Add(Entry(TestData.Next(), DisconnectionSource.Cancellation));
        var started = System.Diagnostics.Stopwatch.StartNew();
        var refused = await Assert.ThrowsAnyAsync<Exception>(() => single.SaveChangesAsync(Ct));

        var causes = new List<Exception>();
        for (var e = refused; e is not null; e = e.InnerException)
            causes.Add(e);
        Assert.Equal(Npgsql.PostgresErrorCodes.LockNotAvailable, Assert.Single(causes.OfType<Npgsql.PostgresException>()).SqlState);
        Assert.InRange(started.Elapsed, TimeSpan.FromSeconds(4), TimeSpan.FromSeconds(30));
        await using var reader = database.CreateContext();
        Assert.Equal(0, await reader.Disconnections.CountAsync(Ct));
    }

    [Fact]
    public async Task ReadersAreNotBlockedByTheLock()
    {
        using var database = await TestDatabase.CreateAsync(DatabaseProvider.Postgres, postgres);
        await using var bulk = await BeginBulkWriteAsync(database);

        await using var reader = database.CreateContext();
        Assert.Equal(0, await reader.Disconnections.CountAsync(Ct).WaitAsync(TimeSpan.FromSeconds(10), Ct));
    }

    /// <summary>A bulk write in progress: an imported entry saved under the register lock, its transaction left open.</summary>
    private static async Task<AppDbContext> BeginBulkWriteAsync(TestDatabase database)
    {
        var bulk = database.CreateContext();
        await bulk.Database.BeginTransactionAsync(Ct);
        bulk.Disconnections.Add(Entry(TestData.Next(), DisconnectionSource.Import));
        await RegisterWriteOrder.SaveChangesAsync(bulk, Ct);
        return bulk;
    }

    private static Disconnection Entry(int n, DisconnectionSource source) =>
        Disconnection.Record(Msisdn.Parse(TestData.Msisdn(n)), new DateOnly(2026, 10, 2), source, Now).Value;
}
