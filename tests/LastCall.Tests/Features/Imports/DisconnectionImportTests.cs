using LastCall.Data;
using LastCall.Domain.Common;
using LastCall.Features.Imports;
using LastCall.Features.Lookup;
using LastCall.Hosting;
using LastCall.TestSupport;
using Microsoft.EntityFrameworkCore;

namespace LastCall.Tests.Features.Imports;

/// <summary>
/// The register import's large-load path into an empty PostgreSQL register (decision 0034): the rows are copied straight
/// into the register and its indexes built afterwards, in one transaction. The command-line tests
/// (<c>RegisterImportCommandLineTests</c>) cover the rows' rules and counts on every path.
/// </summary>
public sealed class DisconnectionImportTests(PostgresCluster postgres)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task ALargeLoadIntoAnEmptyRegister_BuildsEveryIndexAgain_AndKeepsTheFirstOfARepeatedEntry()
    {
        using var database = await TestDatabase.CreateAsync(DatabaseProvider.Postgres, postgres);
        var indexesBefore = await IndexDefinitionsAsync(database);
        // The first batch is staged; the second makes the load large: the staged rows are moved into the empty register and
        // the rest copied straight in. The first row comes again at the end.
        var (first, rows) = RegisterRows(DisconnectionImporter.BatchSize + 9, numbers: 10);
        rows.Add(rows[0]);
        var day = FirstDay;
        var notes = new List<string>();

        var summary = await Importer(database, largeLoadFromRows: DisconnectionImporter.BatchSize + 1).ImportAsync(Csv(rows), onNote: notes.Add, ct: Ct);

        Assert.Equal((rows.Count - 1L, 1L, 0L), (summary.Imported, summary.AlreadyRegistered, summary.RejectedCount));
        Assert.Contains(notes, n => n.StartsWith("indexing the ", StringComparison.Ordinal));
        Assert.Equal(indexesBefore, await IndexDefinitionsAsync(database));
        await using var db = database.CreateContext();
        Assert.Equal(rows.Count - 1, await db.Disconnections.CountAsync(Ct));
        // Every entry names the transaction that wrote it, which the instances' register followers read by (decision 0011).
        Assert.Equal(0, await db.Database.SqlQueryRaw<int>("""SELECT count(*)::int AS "Value" FROM disconnections WHERE "WrittenInTransaction" = 0""").SingleAsync(Ct));
        // The first copy keeps its place (the lowest sequence number); the later one is gone.
        var msisdn = TestData.Msisdn(first);
        var number = Msisdn.Parse(msisdn);
        var repeated = await db.Disconnections.AsNoTracking().Where(d => d.Msisdn == number && d.DisconnectedOn == day).ToListAsync(Ct);
        Assert.Equal(await db.Disconnections.MinAsync(d => d.Id, Ct), Assert.Single(repeated).Id);
        // The register's rule holds again.
        var duplicate = await Assert.ThrowsAsync<Npgsql.PostgresException>(() => db.Database.ExecuteSqlAsync(
            $"""INSERT INTO disconnections ("Msisdn", "DisconnectedOn", "Source", "RecordedAt") VALUES ({msisdn}, {day}, 'Import', now())""", Ct));
        Assert.Equal("IX_disconnections_Msisdn_DisconnectedOn", duplicate.ConstraintName);
        // A later entry gets the next sequence number, as every writer's does.
        var last = await db.Disconnections.MaxAsync(d => d.Id, Ct);
        var next = await db.Database.SqlQuery<long>($"""INSERT INTO disconnections ("Msisdn", "DisconnectedOn", "Source", "RecordedAt") VALUES ({msisdn}, {day.AddYears(20)}, 'Import', now()) RETURNING "Id" AS "Value" """).ToListAsync(Ct);
        Assert.True(Assert.Single(next) > last);
    }

    [Fact]
    public async Task ALargeLoadStoppedHalfWay_LeavesTheRegisterEmptyWithItsIndexes()
    {
        using var database = await TestDatabase.CreateAsync(DatabaseProvider.Postgres, postgres);
        var indexesBefore = await IndexDefinitionsAsync(database);
        var (_, rows) = RegisterRows(DisconnectionImporter.BatchSize * 2, numbers: 20);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        var lockedWhileLoading = false;

        // The first batch went straight into the locked register; the import is stopped before the second.
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
            Importer(database, largeLoadFromRows: 1).ImportAsync(Csv(rows), onProgress: _ =>
            {
                lockedWhileLoading = RegisterLockedExclusively(database);
                stop.Cancel();
            }, ct: stop.Token));

        Assert.True(lockedWhileLoading, "The load did not take the register's lock: it was staged, not copied straight in.");
        Assert.Equal(indexesBefore, await IndexDefinitionsAsync(database));
        await using var db = database.CreateContext();
        Assert.False(await db.Disconnections.AnyAsync(Ct));
        Assert.False(await db.AuditEvents.AnyAsync(e => e.Action == "register.imported", Ct));
    }

    [Fact]
    public async Task ALargeLoadIntoARegisterThatHoldsEntries_IsStaged_AndSkipsWhatIsThere()
    {
        using var database = await TestDatabase.CreateAsync(DatabaseProvider.Postgres, postgres);
        var known = TestData.Msisdn(TestData.Next());
        var importer = Importer(database, largeLoadFromRows: 1);
        await importer.ImportAsync(Csv([$"{known},2020-01-01"]), ct: Ct);
        var fresh = TestData.Msisdn(TestData.Next());
        var notes = new List<string>();

        var summary = await importer.ImportAsync(Csv([$"{known},2020-01-01", $"{fresh},2020-01-02"]), onNote: notes.Add, ct: Ct);

        Assert.Equal((1L, 1L), (summary.Imported, summary.AlreadyRegistered));
        Assert.Equal(["writing 2 rows into the register…"], notes);
        await using var db = database.CreateContext();
        Assert.Equal([known, fresh], (await db.Disconnections.AsNoTracking().OrderBy(d => d.Id).ToListAsync(Ct)).Select(d => d.Msisdn.Value));
    }

    [Fact]
    public async Task ALargeLoadIntoAnEmptyRegisterThatStaysLocked_IsStagedInstead()
    {
        using var database = await TestDatabase.CreateAsync(DatabaseProvider.Postgres, postgres);
        var (_, rows) = RegisterRows(3, numbers: 3);
        // Another session keeps the register from being locked exclusively (a report's SHARE lock does), but not from being read.
        await using var other = database.CreateContext();
        await using var otherTransaction = await other.Database.BeginTransactionAsync(Ct);
        await other.Database.ExecuteSqlRawAsync("LOCK TABLE disconnections IN SHARE MODE", Ct);
        var notes = new List<string>();

        // The load gives up waiting for its lock after a few seconds and stages the rows; when it comes to write them, the
        // other session is done.
        var summary = await Importer(database, largeLoadFromRows: 1).ImportAsync(Csv(rows), onNote: note =>
        {
            notes.Add(note);
            otherTransaction.Commit();
        }, ct: Ct);

        Assert.Equal(["writing 3 rows into the register…"], notes);
        Assert.Equal(3, summary.Imported);
        await using var db = database.CreateContext();
        Assert.Equal(3, await db.Disconnections.CountAsync(Ct));
    }

    private static DisconnectionImporter Importer(TestDatabase database, long largeLoadFromRows) =>
        new(database.Contexts(), PolicySettings.From(new PolicyOptions(), "CNY"), TimeProvider.System, new RegisterSettings { ImportRebuildIndexFromRows = largeLoadFromRows });

    private static MemoryStream Csv(IEnumerable<string> rows) => TestData.Csv(["msisdn,disconnected_on", .. rows]);

    private static readonly DateOnly FirstDay = new(2000, 1, 1);

    /// <summary>
    /// COUNT register rows over NUMBERS numbers, each number on successive days from <see cref="FirstDay"/>, so every row is
    /// distinct and in the past. Each test has a database of its own, so the numbers after the first need not be reserved.
    /// </summary>
    private static (int First, List<string> Rows) RegisterRows(int count, int numbers)
    {
        var first = TestData.Next();
        return (first, [.. Enumerable.Range(0, count).Select(i => $"{TestData.Msisdn(first + i % numbers)},{FirstDay.AddDays(i / numbers):yyyy-MM-dd}")]);
    }

    /// <summary>Whether a session holds the register's exclusive lock (asked on a connection of its own).</summary>
    private static bool RegisterLockedExclusively(TestDatabase database)
    {
        using var db = database.CreateContext();
        return db.Database.SqlQueryRaw<bool>("""
            SELECT EXISTS (SELECT 1 FROM pg_locks WHERE relation = 'disconnections'::regclass AND mode = 'AccessExclusiveLock' AND granted
                AND database = (SELECT oid FROM pg_database WHERE datname = current_database())) AS "Value"
            """).Single();
    }

    /// <summary>Every index on the register with its definition, and which constraint it backs.</summary>
    private static async Task<List<string>> IndexDefinitionsAsync(TestDatabase database)
    {
        await using var db = database.CreateContext();
        return await db.Database.SqlQueryRaw<string>("""
            SELECT pg_get_indexdef(i.indexrelid) || coalesce(' constraint ' || c.conname, '') AS "Value"
            FROM pg_index i LEFT JOIN pg_constraint c ON c.conindid = i.indexrelid AND c.conrelid = i.indrelid
            WHERE i.indrelid = 'disconnections'::regclass ORDER BY 1
            """).ToListAsync(Ct);
    }
}
