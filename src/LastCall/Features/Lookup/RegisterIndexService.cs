using System.Data.Common;
using LastCall.Data;
using LastCall.Domain.Numbers;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace LastCall.Features.Lookup;

/// <summary>
/// Serves reassigned-number lookups from memory: at start-up it streams the whole disconnection
/// register into a compact <see cref="DisconnectionIndex"/>, then follows new register entries in
/// commit order: on PostgreSQL as soon as a write commits (LISTEN/NOTIFY), and at the latest every
/// <c>Register:PollMilliseconds</c> (default 250), so every instance sees a completed cancellation or an
/// imported register within moments. Lookups never touch the database.
/// With <c>Register:SnapshotPath</c> set, a start reads the index from its snapshot file instead, checks the file against
/// the register and catches up from the place it covers before it counts as loaded; a missing, damaged, stale or foreign
/// snapshot falls back to the database load and is written again (decision 0018).
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

    /// <summary>Where the index in memory was loaded from, once it is loaded.</summary>
    public RegisterIndexSource? LoadedFrom { get; private set; }

    /// <summary>How long the load took, to the first catch-up after it included (seconds).</summary>
    public double LoadSeconds { get; private set; }

    /// <summary>When the snapshot file was last written by this instance (null before the first).</summary>
    public DateTimeOffset? SnapshotWrittenAt { get; private set; }

    private readonly string? _snapshotPath = string.IsNullOrWhiteSpace(settings.SnapshotPath) ? null : Path.GetFullPath(settings.SnapshotPath);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (Index is null && !stoppingToken.IsCancellationRequested)
        {
            try
            {
                var started = System.Diagnostics.Stopwatch.StartNew();
                var index = _snapshotPath is null ? null : await LoadSnapshotAsync(_snapshotPath, stoppingToken);
                var source = index is null ? RegisterIndexSource.Database : RegisterIndexSource.Snapshot;
                index ??= await LoadAsync(stoppingToken);
                LoadedFrom = source;
                LoadSeconds = started.Elapsed.TotalSeconds;
                Volatile.Write(ref _index, index);
                _loaded.TrySetResult();
                logger.LogInformation("Register index loaded from the {Source}: {Records} entries, {Numbers} numbers, {Megabytes:0.0} MB in {Seconds:0.0} s",
                    source == RegisterIndexSource.Snapshot ? "snapshot" : "database", index.Count, index.NumberCount, index.ApproximateBytes / 1048576.0, LoadSeconds);
                if (source == RegisterIndexSource.Database)
                    StartSnapshotWrite(stoppingToken);
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
                if (Index is { } current)
                    await CatchUpAsync(current, stoppingToken);
                if (_countCheck is not null && _counting.IsCompleted)
                    _counting = Task.Run(() => CheckCountInBackgroundAsync(stoppingToken), CancellationToken.None);
                if (SnapshotDue)
                    StartSnapshotWrite(stoppingToken);
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
        await ReadIdentityAsync(connection, db.Database.IsNpgsql(), ct);
        _entriesCovered = 0;
        _newest = default;
        _sampler.Reset([]);
        if (db.Database.IsNpgsql())
        {
            // Everything written by transactions below the horizon, in any order (a sequential scan); the
            // follower goes on from the horizon.
            var (horizon, _) = await HorizonAsync(connection, ct);
            await ReadAsync(connection, """SELECT "Id", "Msisdn", "DisconnectedOn", "WrittenInTransaction" FROM disconnections WHERE "WrittenInTransaction" < @horizon""",
                [("@horizon", horizon)], (msisdn, day, id, transaction) =>
                {
                    if (msisdn != 0)
                        builder.Add(msisdn, day);
                    Covered(msisdn, day, id, transaction);
                }, ct);
            _followedUpTo = horizon;
            // The index keeps no place by id on PostgreSQL; receipts still name the newest entry loaded.
            Volatile.Write(ref _newestFollowedId, _newest.Id);
            return builder.ToIndex(0);
        }
        long last = 0;
        await ReadAsync(connection, """SELECT "Id", "Msisdn", "DisconnectedOn" FROM disconnections ORDER BY "Id" """, [], (msisdn, day, id, _) =>
        {
            if (msisdn == 0)
                return;
            builder.Add(msisdn, day);
            Covered(msisdn, day, id, 0);
            last = id;
        }, ct);
        return builder.ToIndex(last);
    }

    /// <summary>Counts a register row as covered by the index and keeps the newest one (the snapshot's anchor).</summary>
    private void Covered(long msisdn, DateOnly day, long id, long transaction)
    {
        _entriesCovered++;
        if (id > _newest.Id)
            _newest = new NewestEntry(id, msisdn, day, transaction);
        if (_snapshotPath is not null)
            _sampler.Offer(_entriesCovered, new RegisterSample(id, msisdn, day, transaction));
    }

    /// <summary>Entries drawn uniformly from those the index covers, for the snapshot (changed where <see cref="_entriesCovered"/> is).</summary>
    private readonly RegisterSampler _sampler = new(settings.SnapshotSamples);

    /// <summary>Rows of the register the index covers (see <see cref="RegisterPosition.EntriesCovered"/>); changed only by the loader and under <see cref="_following"/>.</summary>
    private long _entriesCovered;

    /// <summary>The register entry with the highest id the index covers.</summary>
    private NewestEntry _newest;

    private readonly record struct NewestEntry(long Id, long Msisdn, DateOnly Day, long Transaction);

    /// <summary>The database the index was read from (null until read, or when no snapshot is kept).</summary>
    private DatabaseIdentity? _identity;

    /// <summary>The database's identity: the row in <c>database_identity</c>, written by the first instance that asks.</summary>
    private async Task ReadIdentityAsync(DbConnection connection, bool isPostgres, CancellationToken ct)
    {
        if (_snapshotPath is null)
            return;
        await using var command = connection.CreateCommand();
        command.CommandText = """
            INSERT INTO database_identity ("Id", "DatabaseId") VALUES (1, @id) ON CONFLICT DO NOTHING;
            SELECT "DatabaseId" FROM database_identity WHERE "Id" = 1;
            """;
        AddParameter(command, "@id", Guid.NewGuid().ToString("N"));
        var id = Guid.Parse((string)(await command.ExecuteScalarAsync(ct))!);
        long oid = 0;
        if (isPostgres)
        {
            await using var oidCommand = connection.CreateCommand();
            oidCommand.CommandText = "SELECT oid::bigint FROM pg_database WHERE datname = current_database()";
            oid = (long)(await oidCommand.ExecuteScalarAsync(ct))!;
        }
        _identity = new DatabaseIdentity(id, oid, isPostgres);
    }

    /// <summary>
    /// The index from the snapshot file, caught up with the register since, or null when there is none to use: missing,
    /// damaged (header or checksum), from another database, or stale (the register no longer holds what the snapshot
    /// covers). The register is then read from the database and a new snapshot written (decision 0018).
    /// </summary>
    private async Task<DisconnectionIndex?> LoadSnapshotAsync(string path, CancellationToken ct)
    {
        if (!File.Exists(path))
        {
            logger.LogInformation("No register index snapshot at {Path}: loading the register from the database", path);
            return null;
        }
        var clock = System.Diagnostics.Stopwatch.StartNew();
        RegisterSnapshot.Reader snapshot;
        try
        {
            snapshot = RegisterSnapshot.Open(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidDataException)
        {
            logger.LogWarning(e, "The register index snapshot at {Path} is unreadable and is ignored: loading the register from the database", path);
            return null;
        }
        using var reading = snapshot;
        var header = snapshot.Header;
        await using var db = await contexts.CreateDbContextAsync(ct);
        var connection = await OpenAsync(db, ct);
        var isPostgres = db.Database.IsNpgsql();
        await ReadIdentityAsync(connection, isPostgres, ct);
        if (header.Database != _identity)
        {
            logger.LogWarning("The register index snapshot at {Path} was taken from another database ({Snapshot}, this is {Database}) and is ignored: loading the register from the database",
                path, header.Database, _identity);
            return null;
        }
        var identified = clock.Elapsed;
        // The file is read and checked while the database checks the register against it.
        double fileSeconds = 0, checkSeconds = 0;
        var staleness = Task.Run(async () =>
        {
            var watch = System.Diagnostics.Stopwatch.StartNew();
            var reason = await StalenessAsync(header, isPostgres, ct);
            checkSeconds = watch.Elapsed.TotalSeconds;
            return reason;
        }, ct);
        DisconnectionIndex index;
        try
        {
            index = await Task.Run(() =>
            {
                var watch = System.Diagnostics.Stopwatch.StartNew();
                var read = snapshot.ReadIndex();
                fileSeconds = watch.Elapsed.TotalSeconds;
                return read;
            }, ct);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidDataException)
        {
            await Task.WhenAny(staleness);
            logger.LogWarning(e, "The register index snapshot at {Path} is damaged and is ignored: loading the register from the database", path);
            return null;
        }
        if (await staleness is { } reason)
        {
            logger.LogWarning("The register index snapshot at {Path} is stale ({Reason}) and is ignored: loading the register from the database", path, reason);
            return null;
        }
        var checkedAt = clock.Elapsed;

        // Go on from where the snapshot stands, and catch up before anyone is answered from it.
        await _following.WaitAsync(ct);
        int caughtUp;
        try
        {
            (_followedUpTo, _entriesCovered) = (header.Position.FollowedUpTo, header.Position.EntriesCovered);
            var p = header.Position;
            _newest = new NewestEntry(p.NewestId, p.NewestMsisdn, p.NewestDay, p.NewestTransaction);
            _sampler.Reset(header.Samples);
            Volatile.Write(ref _newestFollowedId, p.NewestId);
            caughtUp = await CatchUpAloneAsync(index, ct, skipWhileLocked: false);
        }
        finally
        {
            _following.Release();
        }
        (_snapshotCovers, _lastSnapshotAttempt) = (header.Position.EntriesCovered, DateTimeOffset.UtcNow);
        _countCheck = header.Position;
        logger.LogInformation("Register index snapshot of {WrittenAt:u}: database identity in {IdentitySeconds:0.00} s, file read with its checksum in {FileSeconds:0.00} s and the register checked against it in {CheckSeconds:0.00} s (side by side, {BothSeconds:0.00} s), then {CaughtUp} newer entries caught up in {CatchUpSeconds:0.00} s",
            header.WrittenAt, identified.TotalSeconds, fileSeconds, checkSeconds, (checkedAt - identified).TotalSeconds, caughtUp, (clock.Elapsed - checkedAt).TotalSeconds);
        return index;
    }

    /// <summary>
    /// Why the register no longer holds what the snapshot covers, or null: on PostgreSQL its horizon is beyond the
    /// cluster's (a restored or rebuilt database); or the newest entry it covers, or one of the entries it sampled, is gone
    /// or another (truncated, rewritten). All index lookups, a few milliseconds; the exact count follows once the instance
    /// is ready (<see cref="CheckCountAsync"/>).
    /// </summary>
    private async Task<string?> StalenessAsync(RegisterSnapshotHeader header, bool isPostgres, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var connection = await OpenAsync(db, ct);
        var p = header.Position;
        if (isPostgres)
        {
            var (horizon, _) = await HorizonAsync(connection, ct);
            if (p.FollowedUpTo > horizon)
                return $"it covers transactions up to {p.FollowedUpTo}, beyond the database's {horizon}";
        }
        var expected = header.Samples.ToDictionary(sample => sample.Id);
        if (p.NewestId > 0)
            expected[p.NewestId] = new RegisterSample(p.NewestId, p.NewestMsisdn, p.NewestDay, p.NewestTransaction);
        if (expected.Count == 0)
            return null;
        var ids = string.Join(',', expected.Keys.Select(id => id.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        var found = 0;
        string? changed = null;
        await ReadAsync(connection, isPostgres
                ? $"""SELECT "Id", "Msisdn", "DisconnectedOn", "WrittenInTransaction" FROM disconnections WHERE "Id" IN ({ids})"""
                : $"""SELECT "Id", "Msisdn", "DisconnectedOn" FROM disconnections WHERE "Id" IN ({ids})""",
            [], (msisdn, day, id, transaction) =>
            {
                found++;
                if (expected[id] != new RegisterSample(id, msisdn, day, transaction))
                    changed ??= $"entry {id} is no longer in the register as it was";
            }, ct);
        if (changed is not null)
            return changed;
        return found == expected.Count ? null : $"{expected.Count - found} of the {expected.Count} entries it checks are no longer in the register";
    }

    /// <summary>The position of the snapshot the index was read from, until its exact count has been checked (set by the loader, cleared by the count).</summary>
    private RegisterPosition? _countCheck;

    private Task _counting = Task.CompletedTask;

    /// <summary>The count runs beside the follower, which goes on catching up meanwhile; a failure is tried again.</summary>
    private async Task CheckCountInBackgroundAsync(CancellationToken ct)
    {
        try
        {
            await CheckCountAsync(ct);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            logger.LogWarning(e, "Counting the register against the snapshot failed; trying again");
            await Task.Delay(TimeSpan.FromSeconds(5), ct);
        }
    }

    /// <summary>
    /// After a start from a snapshot: counts the register's rows up to the snapshot's place (a scan of the register in
    /// the database, seconds per 10 M entries) and compares them with what the snapshot covers. A difference means rows
    /// were deleted or rewritten behind the snapshot where its samples did not look: the index is dropped (the instance
    /// turns not ready, lookups answer <c>register_loading</c>) and read again from the database.
    /// </summary>
    private async Task CheckCountAsync(CancellationToken ct)
    {
        if (_countCheck is not { } p)
            return;
        var watch = System.Diagnostics.Stopwatch.StartNew();
        await using var db = await contexts.CreateDbContextAsync(ct);
        var connection = await OpenAsync(db, ct);
        await using var count = connection.CreateCommand();
        count.CommandText = db.Database.IsNpgsql()
            ? """SELECT count(*) FROM disconnections WHERE "WrittenInTransaction" < @at"""
            : """SELECT count(*) FROM disconnections WHERE "Id" <= @at""";
        count.CommandTimeout = 0;
        AddParameter(count, "@at", p.FollowedUpTo);
        var entries = Convert.ToInt64(await count.ExecuteScalarAsync(ct), System.Globalization.CultureInfo.InvariantCulture);
        _countCheck = null;
        if (entries == p.EntriesCovered)
        {
            logger.LogInformation("The register still holds the {Entries} entries the snapshot covers (counted in {Seconds:0.00} s)", entries, watch.Elapsed.TotalSeconds);
            return;
        }
        logger.LogError("The register holds {Entries} entries up to the snapshot's place, the snapshot covered {Covered}: entries were deleted or rewritten behind it. Dropping the index and loading the register from the database",
            entries, p.EntriesCovered);
        await _following.WaitAsync(ct);
        try
        {
            Volatile.Write(ref _index, null);
            var started = System.Diagnostics.Stopwatch.StartNew();
            DisconnectionIndex index;
            while (true)
            {
                try
                {
                    index = await LoadAsync(ct);
                    break;
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    if (!await outage.PauseAsync("Loading the register index", e, ct))
                    {
                        logger.LogWarning(e, "Loading the register index failed; retrying");
                        await Task.Delay(TimeSpan.FromSeconds(2), ct);
                    }
                }
            }
            (LoadedFrom, LoadSeconds) = (RegisterIndexSource.Database, started.Elapsed.TotalSeconds);
            Volatile.Write(ref _index, index);
            logger.LogInformation("Register index loaded from the database: {Records} entries, {Numbers} numbers, {Megabytes:0.0} MB in {Seconds:0.0} s",
                index.Count, index.NumberCount, index.ApproximateBytes / 1048576.0, LoadSeconds);
        }
        finally
        {
            _following.Release();
        }
        _snapshotCovers = -1;
        StartSnapshotWrite(ct);
    }

    /// <summary>Entries covered by the last snapshot written or loaded.</summary>
    private long _snapshotCovers = -1;

    private DateTimeOffset _lastSnapshotAttempt;

    private Task _snapshotWrite = Task.CompletedTask;

    /// <summary>The index grew since the last snapshot, and the interval has passed since the last attempt.</summary>
    private bool SnapshotDue =>
        _snapshotPath is not null && _snapshotWrite.IsCompleted && _countCheck is null && Volatile.Read(ref _entriesCovered) != _snapshotCovers
        && DateTimeOffset.UtcNow - _lastSnapshotAttempt >= settings.SnapshotInterval;

    /// <summary>Writes a snapshot in the background unless one is being written; lookups and the follower go on.</summary>
    private void StartSnapshotWrite(CancellationToken ct)
    {
        if (_snapshotPath is null || !_snapshotWrite.IsCompleted)
            return;
        _lastSnapshotAttempt = DateTimeOffset.UtcNow;
        _snapshotWrite = Task.Run(() => WriteSnapshotAsync(ct), CancellationToken.None);
    }

    /// <summary>
    /// Writes the index to the snapshot file now (after any write already running); false when there is nothing to
    /// write it for (no snapshot path, no index yet, the database's identity unknown) or another process holds the file.
    /// </summary>
    public async Task<bool> WriteSnapshotAsync(CancellationToken ct)
    {
        if (_snapshotPath is null || _identity is not { } identity)
            return false;
        // One writer per file in this process too (the background write, a test, the shutdown).
        await _snapshotWriter.WaitAsync(ct);
        try
        {
            IndexImage image;
            RegisterPosition position;
            RegisterSample[] samples;
            // The picture and its place in the register are taken together, while no catch-up runs; a few milliseconds.
            await _following.WaitAsync(ct);
            try
            {
                if (Index is not { } index)
                    return false;
                image = index.Capture();
                position = new RegisterPosition(identity.IsPostgres ? _followedUpTo : index.LastSequence, _entriesCovered,
                    _newest.Id, _newest.Msisdn, _newest.Day, _newest.Transaction);
                samples = _sampler.ToArray();
            }
            finally
            {
                _following.Release();
            }
            var clock = System.Diagnostics.Stopwatch.StartNew();
            var now = DateTimeOffset.UtcNow;
            if (!await Task.Run(() => RegisterSnapshot.Write(_snapshotPath, identity, position, samples, image, now), ct))
            {
                logger.LogWarning("The register index snapshot at {Path} is being written by another process; this instance skipped its write", _snapshotPath);
                return false;
            }
            _snapshotCovers = position.EntriesCovered;
            SnapshotWrittenAt = now;
            logger.LogInformation("Register index snapshot written to {Path}: {Records} entries, {Megabytes:0.0} MB in {Seconds:0.00} s",
                _snapshotPath, image.Count, (image.PayloadLength + RegisterSnapshot.FixedHeaderLength + (RegisterSnapshot.SampleLength * samples.Length) + RegisterSnapshot.ChecksumLength) / 1048576.0, clock.Elapsed.TotalSeconds);
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            logger.LogWarning(e, "Writing the register index snapshot to {Path} failed; the next start reads the register from the database", _snapshotPath);
            return false;
        }
        finally
        {
            _snapshotWriter.Release();
        }
    }

    private readonly SemaphoreSlim _snapshotWriter = new(1, 1);

    /// <summary>On a graceful stop, writes the snapshot if the index grew since the last one, within the host's shutdown time.</summary>
    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        if (_snapshotPath is null || Index is null)
            return;
        try
        {
            await _snapshotWrite.WaitAsync(cancellationToken);
            if (Volatile.Read(ref _entriesCovered) != _snapshotCovers)
                await WriteSnapshotAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            logger.LogWarning("The register index snapshot was not written before the shutdown timeout");
        }
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
            // An index dropped meanwhile (read again from the database) is not followed: its place is no longer kept.
            if (!ReferenceEquals(index, Index))
                return 0;
            return await CatchUpAloneAsync(index, ct);
        }
        finally
        {
            _following.Release();
        }
    }

    /// <param name="skipWhileLocked">
    /// PostgreSQL: a catch-up that finds the register locked by another session returns 0 instead of failing (the follow
    /// loop). A start from a snapshot must catch up before it is ready, so it fails and is tried again.
    /// </param>
    private async Task<int> CatchUpAloneAsync(DisconnectionIndex index, CancellationToken ct, bool skipWhileLocked = true)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var connection = await OpenAsync(db, ct);
        int applied;
        if (db.Database.IsNpgsql())
        {
            // A large register import holds the register's exclusive lock for its whole load (decision 0034). Queued behind
            // it, a catch-up would wait out its command timeout, which counts as a database outage (readiness no, every pool
            // cleared). In a transaction of its own with a short lock timeout, the catch-up gives up after a second
            // instead; the import's commit notifies, and the next catch-up takes its entries. The first statement takes the
            // register's shared lock for the whole catch-up, so the timeout can only strike before anything is read.
            await using var transaction = await connection.BeginTransactionAsync(ct);
            await using (var timeout = connection.CreateCommand())
            {
                timeout.CommandText = "SET LOCAL lock_timeout = '1s'";
                await timeout.ExecuteNonQueryAsync(ct);
            }
            try
            {
                applied = await FollowCommitOrderAsync(connection, index, ct);
            }
            catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.LockNotAvailable && skipWhileLocked)
            {
                NoteRegisterLocked(true);
                // No held-back entries to look for until the lock goes: the commit that ends it notifies.
                _entriesBehindHorizon = false;
                return 0;
            }
            await transaction.CommitAsync(ct);
            NoteRegisterLocked(false);
        }
        else
        {
            applied = await FollowIdOrderAsync(connection, index, ct);
        }
        if (index.PendingCount >= DisconnectionIndex.DefaultMergeThreshold)
            await index.MergeAsync();
        return applied;
    }

    /// <summary>
    /// SQLite has one writer at a time, so entry ids commit in order and the entries after the last id applied are
    /// exactly the new ones.
    /// </summary>
    private async Task<int> FollowIdOrderAsync(DbConnection connection, DisconnectionIndex index, CancellationToken ct)
    {
        var applied = 0;
        var after = index.LastSequence;
        int read;
        do
        {
            read = 0;
            // The keyset moves past every row read, one the index cannot hold included (it is not applied).
            await ReadAsync(connection, """SELECT "Id", "Msisdn", "DisconnectedOn" FROM disconnections WHERE "Id" > @after ORDER BY "Id" LIMIT @limit""",
                [("@after", after), ("@limit", ReadBatch)], (msisdn, day, id, _) =>
                {
                    if (msisdn != 0 && index.Apply(msisdn, day, id))
                    {
                        Covered(msisdn, day, id, 0);
                        applied++;
                    }
                    after = id;
                    read++;
                }, ct);
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
                    if (msisdn != 0)
                        index.Apply(msisdn, day);
                    Covered(msisdn, day, id, transaction);
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
    /// <remarks>
    /// "Entries waiting" is asked as the newest writing transaction against the horizon, which PostgreSQL always answers
    /// from the end of the (transaction, id) index. The same question as <c>EXISTS (… WHERE "WrittenInTransaction" &gt;=
    /// horizon)</c> was planned from the table's statistics: with none yet (right after a bulk import, until autovacuum
    /// analyzes the table) it became a sequential scan of the whole register on every catch-up (384 ms at 1 M entries),
    /// and the other instances answered new disconnections up to 0.8 s late.
    /// </remarks>
    internal const string HorizonSql = """
        SELECT h.x, COALESCE((SELECT max("WrittenInTransaction") FROM disconnections) >= h.x, false)
        FROM (SELECT pg_snapshot_xmin(pg_current_snapshot())::text::bigint AS x) h
        """;

    /// <summary>Whether the last catch-up found the register locked by another session (to log a lock's start and end once).</summary>
    private bool _registerLocked;

    private void NoteRegisterLocked(bool locked)
    {
        if (locked == _registerLocked)
            return;
        if (locked)
            logger.LogInformation("The register is locked by another session (e.g. a large register import): the index follows it again when the lock is released; lookups answer from memory meanwhile");
        else
            logger.LogInformation("The register lock was released; following the register again");
        _registerLocked = locked;
    }

    private static async Task<(long Horizon, bool EntriesWaiting)> HorizonAsync(DbConnection connection, CancellationToken ct)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = HorizonSql;
        await using var reader = await command.ExecuteReaderAsync(ct);
        await reader.ReadAsync(ct);
        return (reader.GetInt64(0), reader.GetBoolean(1));
    }

    // Opened through EF, so the context's connection interceptors (SqliteOpenGuard) apply.
    private static async Task<DbConnection> OpenAsync(AppDbContext db, CancellationToken ct)
    {
        await db.Database.OpenConnectionAsync(ct);
        return db.Database.GetDbConnection();
    }

    /// <summary>Streams register rows (number, day, id, and the writing transaction when selected) to <paramref name="onEntry"/>.</summary>
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
            // A number the index cannot hold is passed on as 0, so that it is still counted where it stands.
            if (!DisconnectionIndex.TryParseMsisdn(reader.GetString(1), out var msisdn))
                msisdn = 0;
            var day = isText
                ? DateOnly.ParseExact(reader.GetString(2), "yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture)
                : reader.GetFieldValue<DateOnly>(2);
            onEntry(msisdn, day, id, withTransaction ? reader.GetInt64(3) : 0);
        }
    }

    private static void AddParameter(DbCommand command, string name, object value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.Value = value;
        command.Parameters.Add(parameter);
    }
}
