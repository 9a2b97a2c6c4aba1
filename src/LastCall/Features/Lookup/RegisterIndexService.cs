using System.Data.Common;
using LastCall.Data;
using LastCall.Domain.Numbers;
using Microsoft.EntityFrameworkCore;

namespace LastCall.Features.Lookup;

/// <summary>
/// Serves reassigned-number lookups from memory: at start-up it streams the whole disconnection
/// register into a compact <see cref="DisconnectionIndex"/>, then follows new register entries in
/// commit order (every <c>Register:PollMilliseconds</c>, default 250), so every instance sees a
/// completed cancellation or an imported register within a second. Lookups never touch the database.
/// </summary>
public sealed class RegisterIndexService(IDbContextFactory<AppDbContext> contexts, IConfiguration configuration, Hosting.DatabaseOutage outage, ILogger<RegisterIndexService> logger) : BackgroundService
{
    private const int ReadBatch = 50_000;
    private readonly TaskCompletionSource _loaded = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private DisconnectionIndex? _index;

    /// <summary>The index, or null while it is still loading.</summary>
    public DisconnectionIndex? Index => Volatile.Read(ref _index);

    /// <summary>The first day the register covers; a question about an earlier date is answered no_data.</summary>
    public DateOnly RegisterStartsOn { get; } = DateOnly.Parse(configuration["Register:StartsOn"] ?? "2016-01-01", System.Globalization.CultureInfo.InvariantCulture);

    private TimeSpan PollInterval { get; } = TimeSpan.FromMilliseconds(configuration.GetValue("Register:PollMilliseconds", 250));

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
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await CatchUpAsync(Index!, stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // Lookups go on answering from memory during a database outage; the index catches up after it.
                if (!await outage.PauseAsync("Following the register", e, stoppingToken))
                    logger.LogWarning(e, "Following the register failed; retrying");
            }
            await Task.Delay(PollInterval, stoppingToken);
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
            var horizon = await HorizonAsync(connection, ct);
            await ReadAsync(connection, """SELECT "Id", "Msisdn", "DisconnectedOn" FROM disconnections WHERE "WrittenInTransaction" < @horizon""",
                [("@horizon", horizon)], (msisdn, day, _) => builder.Add(msisdn, day), ct);
            _followedUpTo = horizon;
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
        var horizon = await HorizonAsync(connection, ct);
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
                    read++;
                }, ct);
            applied += read;
        }
        while (read == ReadBatch);
        _followedUpTo = horizon;
        return applied;
    }

    /// <summary>The oldest transaction still running (or the next one to start): every transaction below it has ended.</summary>
    private static async Task<long> HorizonAsync(DbConnection connection, CancellationToken ct)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT pg_snapshot_xmin(pg_current_snapshot())::text::bigint";
        return (long)(await command.ExecuteScalarAsync(ct))!;
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
