using System.Data.Common;
using LastCall.Data;
using LastCall.Domain.Numbers;
using Microsoft.EntityFrameworkCore;

namespace LastCall.Features.Lookup;

/// <summary>
/// Serves reassigned-number lookups from memory: at start-up it streams the whole disconnection
/// register into a compact <see cref="DisconnectionIndex"/>, then follows new register entries in
/// commit order: on PostgreSQL as soon as a write commits (LISTEN/NOTIFY), and at the latest every
/// <c>Register:PollMilliseconds</c> (default 250), so every instance sees a completed cancellation or an
/// imported register within moments. Lookups never touch the database.
/// </summary>
public sealed class RegisterIndexService(IDbContextFactory<AppDbContext> contexts, RegisterSettings settings, Hosting.DatabaseOutage outage, ILogger<RegisterIndexService> logger) : BackgroundService
{
    private const int ReadBatch = 50_000;
    private readonly TaskCompletionSource _loaded = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private DisconnectionIndex? _index;

    /// <summary>The index, or null while it is still loading.</summary>
    public DisconnectionIndex? Index => Volatile.Read(ref _index);

    /// <summary>The first day the register covers; a question about an earlier date is answered no_data.</summary>
    public DateOnly RegisterStartsOn { get; } = settings.StartsOn;

    private TimeSpan PollInterval { get; } = settings.PollInterval;

    /// <summary>
    /// The id of the newest register entry in the index (a lookup receipt's <c>registerAsOf</c>): the highest id loaded or
    /// followed since. On PostgreSQL ids commit out of order, so a lower id may still arrive; it is a place in the register, not a count.
    /// </summary>
    public long NewestEntryId => Math.Max(Index?.LastSequence ?? 0, Volatile.Read(ref _newestFollowedId));

    private long _newestFollowedId;

    /// <summary>Completes once the register is in memory (tests and readiness wait on it).</summary>
    public Task Loaded => _loaded.Task;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (Index is null && !stoppingToken.IsCancellationRequested)
        {
            try
            {
                var started = System.Diagnostics.Stopwatch.StartNew();
                var index = await LoadAsync(stoppingToken);
                Volatile.Write(ref _index, index);
                _loaded.TrySetResult();
                logger.LogInformation("Register index loaded: {Records} entries, {Numbers} numbers, {Megabytes:0.0} MB in {Seconds:0.0} s",
                    index.Count, index.NumberCount, index.ApproximateBytes / 1048576.0, started.Elapsed.TotalSeconds);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                if (await outage.PauseAsync("Loading the register index", e, stoppingToken))
                    continue;
                // Typically the schema is not there yet on a fresh start: try again shortly.
                logger.LogWarning(e, "Loading the register index failed; retrying");
                await Task.Delay(TimeSpan.FromSeconds(2), stoppingToken);
            }
        }
        try
        {
            await FollowAsync(stoppingToken);
        }
        finally
        {
            // Here rather than in Dispose: the loop may still be waiting on the connection until it has stopped.
            if (_listener is not null)
                await _listener.DisposeAsync();
        }
    }

    private async Task FollowAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                // Listening starts before the catch-up, so a write committed in between is not missed.
                await ListenAsync(stoppingToken);
                await CatchUpAsync(Index!, stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // Lookups go on answering from memory during a database outage; the index catches up after it.
                if (!await outage.PauseAsync("Following the register", e, stoppingToken))
                    logger.LogWarning(e, "Following the register failed; retrying");
            }
            await WaitForWritesAsync(stoppingToken);
        }
    }

    /// <summary>
    /// PostgreSQL only: a connection that listens on <c>lastcall_register</c>, which every statement writing register
    /// entries notifies at its commit (a trigger), so the index catches up at once rather than at the next poll.
    /// </summary>
    private Npgsql.NpgsqlConnection? _listener;

    /// <summary>PostgreSQL: opens the listening connection if there is none (a no-op on SQLite).</summary>
    private async Task ListenAsync(CancellationToken ct)
    {
        if (_listener is not null || _isSqlite)
            return;
        await using var db = await contexts.CreateDbContextAsync(ct);
        if (!db.Database.IsNpgsql())
        {
            _isSqlite = true;
            return;
        }
        var listener = new Npgsql.NpgsqlConnection(db.Database.GetConnectionString());
        try
        {
            await listener.OpenAsync(ct);
            await using var listen = new Npgsql.NpgsqlCommand("LISTEN lastcall_register", listener);
            await listen.ExecuteNonQueryAsync(ct);
            _listener = listener;
        }
        catch
        {
            await listener.DisposeAsync();
            throw;
        }
    }

    private bool _isSqlite;

    /// <summary>
    /// Until register entries may have been written: a notification (PostgreSQL), shortly when committed entries wait
    /// behind a running transaction, or the poll interval at the latest. Polling stays as the fallback: if the
    /// listening connection breaks, the next poll catches up and a new connection listens.
    /// </summary>
    private async Task WaitForWritesAsync(CancellationToken ct)
    {
        var wait = _entriesBehindHorizon ? HeldBackRetry : PollInterval;
        if (_listener is null)
        {
            await Task.Delay(wait, ct);
            return;
        }
        try
        {
            await _listener.WaitAsync(wait, ct);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // The listening connection broke (a database restart): poll, and listen again next time.
            logger.LogDebug(e, "Listening for register writes failed; polling");
            await _listener.DisposeAsync();
            _listener = null;
            await Task.Delay(PollInterval, ct);
        }
    }


    private async Task<DisconnectionIndex> LoadAsync(CancellationToken ct)
    {
        var builder = new DisconnectionIndexBuilder();
        await using var db = await contexts.CreateDbContextAsync(ct);
        var connection = await OpenAsync(db, ct);
        if (db.Database.IsNpgsql())
        {
            // Everything written by transactions below the horizon, in any order (a sequential scan); the
            // follower goes on from the horizon.
            var (horizon, _) = await HorizonAsync(connection, ct);
            long newest = 0;
            await ReadAsync(connection, """SELECT "Id", "Msisdn", "DisconnectedOn" FROM disconnections WHERE "WrittenInTransaction" < @horizon""",
                [("@horizon", horizon)], (msisdn, day, id) =>
                {
                    builder.Add(msisdn, day);
                    newest = Math.Max(newest, id);
                }, ct);
            _followedUpTo = horizon;
            // The index keeps no place by id on PostgreSQL; receipts still name the newest entry loaded.
            Volatile.Write(ref _newestFollowedId, newest);
            return builder.ToIndex(0);
        }
        long last = 0;
        await ReadAsync(connection, """SELECT "Id", "Msisdn", "DisconnectedOn" FROM disconnections ORDER BY "Id" """, [], (msisdn, day, id) =>
        {
            builder.Add(msisdn, day);
            last = id;
        }, ct);
        return builder.ToIndex(last);
    }

    /// <summary>
    /// PostgreSQL only: every register entry written by a transaction below this id has been read (the follower's
    /// place in commit order; entry ids are handed out in insert order, not commit order).
    /// </summary>
    private long _followedUpTo;

    private readonly SemaphoreSlim _following = new(1, 1);

    /// <summary>PostgreSQL only: the last catch-up saw committed entries held back by a transaction still running.</summary>
    private volatile bool _entriesBehindHorizon;

    /// <summary>How soon to look again while committed entries wait behind a running transaction.</summary>
    private static readonly TimeSpan HeldBackRetry = TimeSpan.FromMilliseconds(50);

    /// <summary>Applies register entries written since the index last caught up, in batches.</summary>
    public async Task<int> CatchUpAsync(DisconnectionIndex index, CancellationToken ct)
    {
        // One catch-up at a time (the follow loop, and tests that catch up at once), so each keeps its place.
        await _following.WaitAsync(ct);
        try
        {
            return await CatchUpAloneAsync(index, ct);
        }
        finally
        {
            _following.Release();
        }
    }

    private async Task<int> CatchUpAloneAsync(DisconnectionIndex index, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var connection = await OpenAsync(db, ct);
        var applied = db.Database.IsNpgsql()
            ? await FollowCommitOrderAsync(connection, index, ct)
            : await FollowIdOrderAsync(connection, index, ct);
        if (index.PendingCount >= DisconnectionIndex.DefaultMergeThreshold)
            await index.MergeAsync();
        return applied;
    }

    /// <summary>
    /// SQLite has one writer at a time, so entry ids commit in order and the entries after the last id applied are
    /// exactly the new ones.
    /// </summary>
    private static async Task<int> FollowIdOrderAsync(DbConnection connection, DisconnectionIndex index, CancellationToken ct)
    {
        var applied = 0;
        int read;
        do
        {
            read = 0;
            await ReadAsync(connection, """SELECT "Id", "Msisdn", "DisconnectedOn" FROM disconnections WHERE "Id" > @after ORDER BY "Id" LIMIT @limit""",
                [("@after", index.LastSequence), ("@limit", ReadBatch)], (msisdn, day, id) =>
                {
                    index.Apply(msisdn, day, id);
                    read++;
                }, ct);
            applied += read;
        }
        while (read == ReadBatch);
        return applied;
    }

    /// <summary>
    /// On PostgreSQL writers run side by side and commit in any order, so an entry with a lower id can become visible
    /// after one with a higher id: following ids would skip it. Each entry carries the id of the transaction that
    /// wrote it (<c>WrittenInTransaction</c>, a column default), and the oldest transaction still running
    /// (<c>pg_snapshot_xmin</c>) is a horizon: every transaction below it has ended, so its entries are all visible
    /// now and no new one can appear. Reading the entries between the previous horizon and the current one, in
    /// (transaction, id) order with a keyset, takes each entry exactly once and needs no lock on the writers.
    /// A transaction that stays open holds the horizon (and so the index's freshness) back until it ends.
    /// </summary>
    private async Task<int> FollowCommitOrderAsync(DbConnection connection, DisconnectionIndex index, CancellationToken ct)
    {
        var (horizon, entriesWaiting) = await HorizonAsync(connection, ct);
        _entriesBehindHorizon = entriesWaiting;
        if (horizon <= _followedUpTo)
            return 0;
        var applied = 0;
        var (afterTransaction, afterId) = (_followedUpTo, 0L);
        int read;
        do
        {
            read = 0;
            await ReadAsync(connection, """
                SELECT "Id", "Msisdn", "DisconnectedOn", "WrittenInTransaction" FROM disconnections
                WHERE ("WrittenInTransaction", "Id") > (@transaction, @id) AND "WrittenInTransaction" < @horizon
                ORDER BY "WrittenInTransaction", "Id" LIMIT @limit
                """, [("@transaction", afterTransaction), ("@id", afterId), ("@horizon", horizon), ("@limit", ReadBatch)],
                (msisdn, day, id, transaction) =>
                {
                    index.Apply(msisdn, day);
                    (afterTransaction, afterId) = (transaction, id);
                    if (id > _newestFollowedId)
                        Volatile.Write(ref _newestFollowedId, id);
                    read++;
                }, ct);
            applied += read;
        }
        while (read == ReadBatch);
        _followedUpTo = horizon;
        return applied;
    }

    /// <summary>
    /// The oldest transaction still running (or the next one to start): every transaction below it has ended. Also
    /// whether committed entries wait at or above it, behind a transaction still running: no notification will come
    /// for them when it ends, so the follower looks again shortly.
    /// </summary>
    private static async Task<(long Horizon, bool EntriesWaiting)> HorizonAsync(DbConnection connection, CancellationToken ct)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT h.x, EXISTS (SELECT 1 FROM disconnections WHERE "WrittenInTransaction" >= h.x)
            FROM (SELECT pg_snapshot_xmin(pg_current_snapshot())::text::bigint AS x) h
            """;
        await using var reader = await command.ExecuteReaderAsync(ct);
        await reader.ReadAsync(ct);
        return (reader.GetInt64(0), reader.GetBoolean(1));
    }

    private static async Task<DbConnection> OpenAsync(AppDbContext db, CancellationToken ct)
    {
        var connection = db.Database.GetDbConnection();
        await connection.OpenAsync(ct);
        return connection;
    }

    private static Task ReadAsync(DbConnection connection, string sql, (string Name, long Value)[] parameters, Action<long, DateOnly, long> onEntry, CancellationToken ct) =>
        ReadAsync(connection, sql, parameters, (msisdn, day, id, _) => onEntry(msisdn, day, id), ct);

    /// <summary>Streams register rows (id, number, day, and the writing transaction when selected) to <paramref name="onEntry"/>.</summary>
    private static async Task ReadAsync(DbConnection connection, string sql, (string Name, long Value)[] parameters, Action<long, DateOnly, long, long> onEntry, CancellationToken ct)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.CommandTimeout = 0;
        foreach (var (name, value) in parameters)
            AddParameter(command, name, value);
        await using var reader = await command.ExecuteReaderAsync(System.Data.CommandBehavior.SequentialAccess, ct);
        var isText = reader.GetFieldType(2) == typeof(string);
        var withTransaction = reader.FieldCount > 3;
        while (await reader.ReadAsync(ct))
        {
            var id = reader.GetInt64(0);
            if (!DisconnectionIndex.TryParseMsisdn(reader.GetString(1), out var msisdn))
                continue;
            var day = isText
                ? DateOnly.ParseExact(reader.GetString(2), "yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture)
                : reader.GetFieldValue<DateOnly>(2);
            onEntry(msisdn, day, id, withTransaction ? reader.GetInt64(3) : 0);
        }
    }

    private static void AddParameter(DbCommand command, string name, long value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.Value = value;
        command.Parameters.Add(parameter);
    }
}
