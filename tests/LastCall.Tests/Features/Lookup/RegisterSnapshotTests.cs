using LastCall.Data;
using LastCall.Domain.Common;
using LastCall.Domain.Numbers;
using LastCall.Features.Lookup;
using LastCall.Hosting;
using LastCall.TestSupport;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace LastCall.Tests.Features.Lookup;

/// <summary>
/// The register index snapshot (decision 0018): a starting instance reads it and catches up from the register, and
/// falls back to the database, never to a wrong answer, when it is missing, damaged, stale or another database's.
/// </summary>
public sealed class RegisterSnapshotTests(PostgresCluster postgres)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private static readonly DateTimeOffset Now = new(2026, 12, 1, 8, 0, 0, TimeSpan.Zero);
    private static readonly DateOnly Day = new(2026, 10, 2);

    [Theory]
    [MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task NoSnapshot_TheRegisterIsLoadedFromTheDatabase_AndASnapshotIsWritten(DatabaseProvider provider)
    {
        using var database = await TestDatabase.CreateAsync(provider, postgres);
        var path = SnapshotPath(database);
        var number = TestData.Next();
        await WriteAsync(database, number);

        using var register = await StartAsync(database, path);

        Assert.Equal(RegisterIndexSource.Database, register.LoadedFrom);
        await UntilFollowedAsync(register, number);
        await UntilSnapshotWrittenAsync(register);
        Assert.True(File.Exists(path));
        // A transaction another test holds open in the shared cluster can keep the entry above the load's horizon
        // (decision 0011): it is then followed after the load, and the snapshot written after the load covers none.
        // The next one covers it.
        bool coversNone;
        using (var written = RegisterSnapshot.Open(path))
            coversNone = written.Header.Position.EntriesCovered == 0;
        if (coversNone)
            Assert.True(await register.WriteSnapshotAsync(Ct));
        using (var snapshot = RegisterSnapshot.Open(path))
        {
            Assert.Equal(provider == DatabaseProvider.Postgres, snapshot.Header.Database.IsPostgres);
            Assert.Equal(1, snapshot.Header.Position.EntriesCovered);
            Assert.Equal(Number(number), Assert.Single(snapshot.Header.Samples).Msisdn);
            Assert.Equal(Day, snapshot.ReadIndex().LatestDisconnection(Number(number)));
        }
        Assert.Empty(Directory.EnumerateFiles(Path.GetDirectoryName(path)!, "*.tmp"));
    }

    [Theory]
    [MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task AValidSnapshot_IsLoaded_AndEntriesWrittenSinceAreCaughtUpBeforeItIsReady(DatabaseProvider provider)
    {
        using var database = await TestDatabase.CreateAsync(provider, postgres);
        var path = SnapshotPath(database);
        var (before, after, later) = (TestData.Next(), TestData.Next(), TestData.Next());
        await WriteAsync(database, before);
        await TakeSnapshotAsync(database, path, before);

        await WriteAsync(database, after);
        using var register = await StartAsync(database, path);

        Assert.Equal(RegisterIndexSource.Snapshot, register.LoadedFrom);
        var index = register.Index!;
        if (provider == DatabaseProvider.Sqlite)
            Assert.Equal(Day, index.LatestDisconnection(Number(after))); // caught up before Loaded completed
        await UntilFollowedAsync(register, before, after);
        await WriteAsync(database, later);
        await UntilFollowedAsync(register, later);
        // Each entry applied once: the snapshot's place in the register is exactly where following went on.
        Assert.Equal(3, index.Count);
        Assert.Equal(LookupResult.Yes, index.Lookup(Number(before), Day, new DateOnly(2016, 1, 1)));
        Assert.Null(index.LatestDisconnection(Number(TestData.Next())));

        // A graceful stop writes the grown index, and the next start reads it with nothing left to catch up.
        await register.StopAsync(Ct);
        using var next = await StartAsync(database, path);
        Assert.Equal(RegisterIndexSource.Snapshot, next.LoadedFrom);
        Assert.Equal(3, next.Index!.Count);
        Assert.Equal(Day, next.Index.LatestDisconnection(Number(later)));
    }

    [Theory]
    [MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task ADamagedSnapshot_IsIgnored_TheRegisterIsLoadedFromTheDatabase_AndTheSnapshotRewritten(DatabaseProvider provider)
    {
        using var database = await TestDatabase.CreateAsync(provider, postgres);
        var path = SnapshotPath(database);
        var entries = Enumerable.Range(0, 50).Select(_ => TestData.Next()).ToArray();
        await WriteAsync(database, entries);
        await TakeSnapshotAsync(database, path, entries);
        var good = await File.ReadAllBytesAsync(path, Ct);

        foreach (var damage in new Func<byte[], byte[]>[]
        {
            bytes => Flip(bytes, bytes.Length - RegisterSnapshot.ChecksumLength - 10), // a byte of the payload (an entry's)
            bytes => Flip(bytes, bytes.Length - 1), // a byte of the checksum
            bytes => Flip(bytes, 60), // the number of entries it covers, in the header
            bytes => bytes[..^100], // cut short
            bytes => Flip(bytes, 0), // not a snapshot
            bytes => OfVersion(bytes, RegisterSnapshot.FormatVersion - 1), // the format before (an upgrade's first start)
        })
        {
            await File.WriteAllBytesAsync(path, damage(good), Ct);
            using var register = await StartAsync(database, path);

            Assert.Equal(RegisterIndexSource.Database, register.LoadedFrom);
            await UntilFollowedAsync(register, entries);
            await UntilSnapshotWrittenAsync(register);
            await register.StopAsync(Ct);
            // The new snapshot is whole again: the next start uses it.
            using var next = await StartAsync(database, path);
            Assert.Equal(RegisterIndexSource.Snapshot, next.LoadedFrom);
            Assert.All(entries, n => Assert.Equal(Day, next.Index!.LatestDisconnection(Number(n))));
            await next.StopAsync(Ct);
        }
    }

    [Theory]
    [MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task AStaleSnapshot_TheRegisterTruncatedOrRewrittenBehindIt_IsIgnored(DatabaseProvider provider)
    {
        using var database = await TestDatabase.CreateAsync(provider, postgres);
        var path = SnapshotPath(database);
        var (kept, removed) = (TestData.Next(), TestData.Next());
        await WriteAsync(database, kept);
        await WriteAsync(database, removed);
        await TakeSnapshotAsync(database, path, kept, removed);

        // Truncated: the newest entry the snapshot covers is gone (a restore from an older backup).
        await using (var db = database.CreateContext())
            await db.Database.ExecuteSqlRawAsync("""DELETE FROM disconnections WHERE "Id" = (SELECT max("Id") FROM disconnections)""", Ct);
        using (var register = await StartAsync(database, path))
        {
            Assert.Equal(RegisterIndexSource.Database, register.LoadedFrom);
            await UntilFollowedAsync(register, kept);
            Assert.Null(register.Index!.LatestDisconnection(Number(removed)));
            await UntilSnapshotWrittenAsync(register);
            await register.StopAsync(Ct);
        }

        // Rewritten: the register was emptied and filled again with other entries.
        await using (var db = database.CreateContext())
            await db.Database.ExecuteSqlRawAsync("DELETE FROM disconnections", Ct);
        var (first, second) = (TestData.Next(), TestData.Next());
        await WriteAsync(database, first);
        await WriteAsync(database, second);
        using (var register = await StartAsync(database, path))
        {
            Assert.Equal(RegisterIndexSource.Database, register.LoadedFrom);
            await UntilFollowedAsync(register, first, second);
            Assert.Null(register.Index!.LatestDisconnection(Number(kept)));
            Assert.Equal(2, register.Index.Count);
            await register.StopAsync(Ct);
        }

        // An entry deleted behind the snapshot's newest one, where the snapshot's samples do look: refused before use.
        await TakeSnapshotAsync(database, path, first, second);
        await using (var db = database.CreateContext())
            await db.Database.ExecuteSqlRawAsync("""DELETE FROM disconnections WHERE "Id" = (SELECT min("Id") FROM disconnections)""", Ct);
        using (var register = await StartAsync(database, path))
        {
            Assert.Equal(RegisterIndexSource.Database, register.LoadedFrom);
            await UntilFollowedAsync(register, second);
            Assert.Null(register.Index!.LatestDisconnection(Number(first)));
            await register.StopAsync(Ct);
        }
    }

    [Theory]
    [MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task AnEntryDeletedBehindTheSnapshotWhereItsSamplesDoNotLook_IsFoundByTheCount_AndTheIndexReadAgain(DatabaseProvider provider)
    {
        using var database = await TestDatabase.CreateAsync(provider, postgres);
        var path = SnapshotPath(database);
        var (deleted, kept) = (TestData.Next(), TestData.Next());
        await WriteAsync(database, deleted);
        await WriteAsync(database, kept);
        // No samples: only the newest entry is checked before the index is used, then the exact count.
        await TakeSnapshotAsync(database, path, samples: 0, deleted, kept);
        await using (var db = database.CreateContext())
            await db.Database.ExecuteSqlRawAsync("""DELETE FROM disconnections WHERE "Id" = (SELECT min("Id") FROM disconnections)""", Ct);

        var log = new LogLines();
        using var register = await StartAsync(database, path, samples: 0, log);

        // Used at first (the newest entry is still there), then dropped once the count disagrees.
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (register.LoadedFrom != RegisterIndexSource.Database || register.Index is null)
        {
            Assert.True(waited.Elapsed < TimeSpan.FromSeconds(30), "the count did not find the deleted entry within 30 s");
            await Task.Delay(20, Ct);
        }
        Assert.Null(register.Index.LatestDisconnection(Number(deleted)));
        Assert.Equal(Day, register.Index.LatestDisconnection(Number(kept)));
        Assert.Equal(1, register.Index.Count);
        Assert.Contains(log.Messages, m => m.StartsWith("Register index loaded from the snapshot", StringComparison.Ordinal));
        Assert.Contains(log.Messages, m => m.StartsWith("The register holds 1 entries up to the snapshot's place, the snapshot covered 2", StringComparison.Ordinal));
        await UntilSnapshotWrittenAsync(register);
        await register.StopAsync(Ct);
    }

    [Theory]
    [MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task AnotherDatabasesSnapshot_IsIgnored(DatabaseProvider provider)
    {
        using var database = await TestDatabase.CreateAsync(provider, postgres);
        using var other = await TestDatabase.CreateAsync(provider, postgres);
        var path = SnapshotPath(database);
        var (ours, theirs) = (TestData.Next(), TestData.Next());
        await WriteAsync(database, ours);
        await WriteAsync(other, theirs);
        // The other database's snapshot, at a place this register has reached as well.
        await WriteAsync(other, TestData.Next());
        await TakeSnapshotAsync(other, path, theirs);

        using var register = await StartAsync(database, path);

        Assert.Equal(RegisterIndexSource.Database, register.LoadedFrom);
        await UntilFollowedAsync(register, ours);
        Assert.Null(register.Index!.LatestDisconnection(Number(theirs)));
        await UntilSnapshotWrittenAsync(register);
        await register.StopAsync(Ct);
        using var next = await StartAsync(database, path);
        Assert.Equal(RegisterIndexSource.Snapshot, next.LoadedFrom);
    }

    [Fact]
    public async Task ASnapshotTakenWhileWritersCommitOutOfOrder_GoesOnWithNoEntryLostOrCountedTwice()
    {
        using var database = await TestDatabase.CreateAsync(DatabaseProvider.Postgres, postgres);
        var path = SnapshotPath(database);
        using var register = await StartAsync(database, path);
        await UntilSnapshotWrittenAsync(register);

        // A writer whose entry has a low id holds its transaction open across the snapshot…
        var held = TestData.Next();
        await using var open = database.CreateContext();
        await using var transaction = await open.Database.BeginTransactionAsync(Ct);
        open.Disconnections.Add(Entry(held));
        await open.SaveChangesAsync(Ct);
        // …while others commit entries with higher ids, and the snapshot is written with them followed.
        var committed = Enumerable.Range(0, 20).Select(_ => TestData.Next()).ToArray();
        await Task.WhenAll(committed.Chunk(5).Select(chunk => WriteAsync(database, chunk)));
        await register.CatchUpAsync(register.Index!, Ct);
        Assert.True(await register.WriteSnapshotAsync(Ct));
        await register.StopAsync(Ct);

        await transaction.CommitAsync(Ct);
        using var next = await StartAsync(database, path);
        Assert.Equal(RegisterIndexSource.Snapshot, next.LoadedFrom);
        await UntilFollowedAsync(next, [held, .. committed]);
        await next.CatchUpAsync(next.Index!, Ct);
        Assert.Equal(21, next.Index!.Count);
        // Followed from the snapshot's place, not put right by the count made after readiness (which would read the
        // register again from the database had an entry been skipped).
        Assert.Equal(RegisterIndexSource.Snapshot, next.LoadedFrom);
    }

    [Fact]
    public async Task TheHost_WritesItsSnapshotAtShutdown_AndItsNextStartReadsIt()
    {
        using var database = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite, postgres);
        var (first, second) = (TestData.Next(), TestData.Next());
        await WriteAsync(database, first);
        var settings = database.HostSettings();
        settings["Register:SnapshotPath"] = "register-index.snapshot"; // in the data folder

        await using (var host = TestHost.Start(settings))
        {
            var register = host.Services.GetRequiredService<RegisterIndexService>();
            await register.Loaded.WaitAsync(TimeSpan.FromSeconds(60), Ct);
            Assert.Equal(RegisterIndexSource.Database, register.LoadedFrom);
            await UntilSnapshotWrittenAsync(register);
            Assert.True(File.Exists(Path.Combine(database.DataFolder, "register-index.snapshot")));
            await WriteAsync(database, second);
            await UntilFollowedAsync(register, second);
        }
        // The graceful stop wrote the grown index.
        using (var snapshot = RegisterSnapshot.Open(Path.Combine(database.DataFolder, "register-index.snapshot")))
            Assert.Equal(2, snapshot.Header.Position.EntriesCovered);

        await using (var host = TestHost.Start(settings))
        {
            var register = host.Services.GetRequiredService<RegisterIndexService>();
            await register.Loaded.WaitAsync(TimeSpan.FromSeconds(60), Ct);
            Assert.Equal(RegisterIndexSource.Snapshot, register.LoadedFrom);
            Assert.Equal(2, register.Index!.Count);
            Assert.Equal(Day, register.Index.LatestDisconnection(Number(second)));
            using var client = host.CreateClient();
            var metrics = await client.GetStringAsync("/metrics", Ct);
            Assert.Contains("lastcall_register_index_from_snapshot 1", metrics, StringComparison.Ordinal);
        }
    }

    private static byte[] OfVersion(byte[] bytes, int version)
    {
        var other = (byte[])bytes.Clone();
        System.Buffers.Binary.BinaryPrimitives.WriteInt32LittleEndian(other.AsSpan(8), version);
        return other;
    }

    private static byte[] Flip(byte[] bytes, int at)
    {
        var copy = (byte[])bytes.Clone();
        copy[at] ^= 0x5A;
        return copy;
    }

    private static string SnapshotPath(TestDatabase database) => Path.Combine(database.DataFolder, "snapshots", "register-index.snapshot");

    /// <summary>Starts an instance on the database, waits until its snapshot is written with these entries in it, and stops it.</summary>
    private static Task TakeSnapshotAsync(TestDatabase database, string path, params int[] entries) =>
        TakeSnapshotAsync(database, path, samples: 256, entries);

    private static async Task TakeSnapshotAsync(TestDatabase database, string path, int samples, params int[] entries)
    {
        using var register = await StartAsync(database, path, samples);
        await UntilFollowedAsync(register, entries);
        // An instance of an earlier step may still hold the file's lock for a moment (a second process would skip).
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (!await register.WriteSnapshotAsync(Ct))
        {
            Assert.True(waited.Elapsed < TimeSpan.FromSeconds(30), "the snapshot could not be written within 30 s");
            await Task.Delay(50, Ct);
        }
        await register.StopAsync(Ct);
    }

    private static async Task UntilSnapshotWrittenAsync(RegisterIndexService register)
    {
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (register.SnapshotWrittenAt is null)
        {
            Assert.True(waited.Elapsed < TimeSpan.FromSeconds(30), "no snapshot was written within 30 s of the load");
            await Task.Delay(20, Ct);
        }
    }

    /// <summary>
    /// Until the entries are in the index: on PostgreSQL the horizon is the whole cluster's, so a transaction another
    /// test holds open in the shared cluster keeps committed entries back until it ends (decision 0011).
    /// </summary>
    private static async Task UntilFollowedAsync(RegisterIndexService register, params int[] numbers)
    {
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (true)
        {
            // The index in use now: one read from a snapshot is replaced if the register's count shows it wrong.
            if (register.Index is { } index)
            {
                if (numbers.All(n => index.LatestDisconnection(Number(n)) is not null))
                    return;
                await register.CatchUpAsync(index, Ct);
            }
            Assert.True(waited.Elapsed < TimeSpan.FromSeconds(30), "committed entries were not in the index within 30 s");
            await Task.Delay(20, Ct);
        }
    }

    private static async Task<RegisterIndexService> StartAsync(TestDatabase database, string snapshotPath, int samples = 256, LogLines? log = null)
    {
        var contexts = database.Contexts();
        var register = new RegisterIndexService(contexts, new RegisterSettings { SnapshotPath = snapshotPath, SnapshotSamples = samples },
            new DatabaseOutage(contexts, TimeProvider.System, NullLogger<DatabaseOutage>.Instance), (ILogger<RegisterIndexService>?)log ?? NullLogger<RegisterIndexService>.Instance);
        await register.StartAsync(Ct);
        await register.Loaded.WaitAsync(TimeSpan.FromSeconds(60), Ct);
        return register;
    }

    private static async Task WriteAsync(TestDatabase database, params int[] numbers)
    {
        await using var db = database.CreateContext();
        foreach (var n in numbers)
            db.Disconnections.Add(Entry(n));
        await db.SaveChangesAsync(Ct);
    }

    private static long Number(int n) => DisconnectionIndex.TryParseMsisdn(TestData.Msisdn(n), out var msisdn) ? msisdn : throw new FormatException(TestData.Msisdn(n));

    private static Disconnection Entry(int n) =>
        Disconnection.Record(Msisdn.Parse(TestData.Msisdn(n)), Day, DisconnectionSource.Cancellation, Now).Value;

    /// <summary>The service's log lines, formatted.</summary>
    private sealed class LogLines : ILogger<RegisterIndexService>
    {
        private readonly System.Collections.Concurrent.ConcurrentQueue<string> _messages = new();

        public IReadOnlyCollection<string> Messages => _messages;

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            _messages.Enqueue(formatter(state, exception));
    }
}
