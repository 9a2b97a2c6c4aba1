using System.Globalization;
using LastCall.Auditing;
using LastCall.Data;
using LastCall.Domain.Audit;
using LastCall.Domain.Common;
using LastCall.Domain.Numbers;
using LastCall.Features.Lookup;
using LastCall.Hosting;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using NpgsqlTypes;

namespace LastCall.Features.Imports;

/// <summary>What a register import did. Only the first rejections are kept; every one is streamed to the observer.</summary>
public sealed record DisconnectionImportSummary(long Imported, long AlreadyRegistered, long RejectedCount, IReadOnlyList<RowRejection> Rejected, RowRejection? FileError);

/// <summary>
/// <c>lastcall import disconnections FILE.csv</c>: loads an operator's legacy disconnection register
/// (<c>msisdn,disconnected_on</c>) in bulk with constant memory. Rows are checked one by one (a bad row
/// is reported by its line number and skipped). On PostgreSQL every good row is staged by binary COPY
/// into a temporary table and the register is written in one transaction at the end, or, for a large load into an
/// empty register, copied straight into the register inside one transaction; either way an import
/// that fails or is interrupted writes nothing (see <see cref="PostgresWriter"/>); on SQLite a prepared
/// insert per row, one transaction per batch. An entry already in the register (or twice in the file)
/// is counted, not doubled. New entries get register sequence numbers like any other, so lookup
/// indexes pick them up.
/// </summary>
public sealed class DisconnectionImporter(IDbContextFactory<AppDbContext> contexts, PolicySettings policies, TimeProvider clock, RegisterSettings register)
{
    public const int BatchSize = 50_000;
    public const int MaxKeptRejections = 1000;

    /// <summary>
    /// From how many rows a load counts as large on PostgreSQL: into an empty register it is copied straight into the
    /// register with every index built afterwards; otherwise, when it is also at least a quarter of the register's size,
    /// the register's unique index is rebuilt after the load instead of maintained row by row. Both are several times
    /// faster for a large load, but lock the register table against readers and writers while they run.
    /// </summary>
    private long RebuildIndexFromRows { get; } = register.ImportRebuildIndexFromRows;

    /// <param name="onNote">Told what a long silent phase is doing (PostgreSQL's final write of the staged rows, or its index builds).</param>
    /// <param name="report">The entries are to be filed in regulator reports (<c>--report</c>: the earlier systems did not file them).
    /// Entries already in the register keep what they were.</param>
    public async Task<DisconnectionImportSummary> ImportAsync(Stream csv, Action<RowRejection>? onRejected = null, Action<ImportProgress>? onProgress = null,
        Action<string>? onNote = null, bool report = false, CancellationToken ct = default)
    {
        var source = (report ? DisconnectionSource.ReportableImport : DisconnectionSource.Import).ToString();
        using var reader = new StreamReader(csv, System.Text.Encoding.UTF8, detectEncodingFromByteOrderMarks: true, bufferSize: 1 << 20);
        var header = await reader.ReadLineAsync(ct);
        if (header is null || !string.Equals(header.Trim().Replace(" ", "", StringComparison.Ordinal), "msisdn,disconnected_on", StringComparison.OrdinalIgnoreCase))
            return new DisconnectionImportSummary(0, 0, 0, [], new RowRejection(1, "invalid_header", "The first line must be the header msisdn,disconnected_on."));

        await using var db = await contexts.CreateDbContextAsync(ct);
        await using var writer = await BatchWriter.OpenAsync(db, clock.GetUtcNow(), source, RebuildIndexFromRows, ct);
        var latest = policies.Today(clock.GetUtcNow());
        var batch = new List<(string Msisdn, DateOnly Day)>(BatchSize);
        var kept = new List<RowRejection>();
        long imported = 0, written = 0, rejected = 0, rows = 0;
        var lineNumber = 1;

        void Reject(int row, string code, string detail)
        {
            rejected++;
            var rejection = new RowRejection(row, code, detail);
            if (kept.Count < MaxKeptRejections)
                kept.Add(rejection);
            onRejected?.Invoke(rejection);
        }

        void ReportProgress() =>
            onProgress?.Invoke(new ImportProgress(csv.CanSeek ? csv.Position : 0, csv.CanSeek ? csv.Length : null, (int)Math.Min(rows, int.MaxValue), (int)Math.Min(imported, int.MaxValue), (int)Math.Min(rejected, int.MaxValue)));

        async Task FlushAsync()
        {
            imported += await writer.WriteAsync(batch, ct);
            written += batch.Count;
            batch.Clear();
            ReportProgress();
        }

        try
        {
            while (await reader.ReadLineAsync(ct) is { } line)
            {
                lineNumber++;
                if (line.Length == 0)
                    continue;
                rows++;
                var comma = line.IndexOf(',', StringComparison.Ordinal);
                if (comma < 0 || line.IndexOf(',', comma + 1) >= 0)
                {
                    Reject(lineNumber, "invalid_row", "A row has exactly two fields: msisdn,disconnected_on.");
                    continue;
                }
                // The register index's parser applies Msisdn's rules without allocating; the text is kept as given.
                var msisdnText = line.AsSpan(0, comma).Trim();
                if (!DisconnectionIndex.TryParseMsisdn(msisdnText, out _))
                {
                    Reject(lineNumber, "invalid_msisdn", Msisdn.Create(msisdnText.ToString()).Error?.Message ?? "The number must be in E.164 form, e.g. +8613800000001.");
                    continue;
                }
                if (!DateOnly.TryParseExact(line.AsSpan(comma + 1).Trim(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day))
                {
                    Reject(lineNumber, "invalid_date", "disconnected_on must be a date (YYYY-MM-DD).");
                    continue;
                }
                if (day > latest)
                {
                    Reject(lineNumber, "invalid_date", "A disconnection cannot be dated in the future.");
                    continue;
                }
                batch.Add((msisdnText.ToString(), day));
                if (batch.Count == BatchSize)
                    await FlushAsync();
            }
            if (batch.Count > 0 || rows == 0)
                await FlushAsync();
            if (written > 0 && writer.CompletionNote(written) is { } note)
                onNote?.Invoke(note);
            imported += await writer.CompleteAsync(ct);
        }
        catch when (imported > 0)
        {
            // SQLite commits batch by batch: what went in before the failure is in the register, so it is audited too.
            try
            {
                await RecordAsync(imported, written - imported, rejected, report, CancellationToken.None, failed: true);
            }
            catch (Exception e) when (e is System.Data.Common.DbException or DbUpdateException or InvalidOperationException)
            {
                // The database itself failed: the first error is the one to report.
            }
            throw;
        }
        ReportProgress();
        await RecordAsync(imported, written - imported, rejected, report, ct);
        return new DisconnectionImportSummary(imported, written - imported, rejected, kept, null);
    }

    /// <summary>One audit event for the load (the register is append-only; its entries carry their source).</summary>
    private async Task RecordAsync(long imported, long alreadyRegistered, long rejected, bool report, CancellationToken ct, bool failed = false)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        AuditTrail.RecordIn(db, Actor.System(CurrentActor.OutsideRequestChannel.Value ?? "system"), "register.imported", null, null,
            new { imported, alreadyRegistered, rejected, reported = report, completed = !failed }, clock.GetUtcNow());
        await db.SaveChangesAsync(ct);
    }

    /// <summary>Writes batches of register entries; one connection for the whole import.</summary>
    private abstract class BatchWriter : IAsyncDisposable
    {
        public static async Task<BatchWriter> OpenAsync(AppDbContext db, DateTimeOffset now, string source, long rebuildIndexFromRows, CancellationToken ct)
        {
            await db.Database.OpenConnectionAsync(ct);
            BatchWriter writer = db.Database.IsNpgsql() ? new PostgresWriter(db, now, source, rebuildIndexFromRows) : new SqliteWriter(db, now, source);
            await writer.PrepareAsync(ct);
            return writer;
        }

        protected abstract Task PrepareAsync(CancellationToken ct);

        /// <summary>What <see cref="CompleteAsync"/> does for a long time without a word, if it does.</summary>
        public virtual string? CompletionNote(long written) => null;

        /// <summary>Writes the batch, or stages it for <see cref="CompleteAsync"/>; returns how many new entries it wrote.</summary>
        public abstract Task<int> WriteAsync(IReadOnlyList<(string Msisdn, DateOnly Day)> batch, CancellationToken ct);

        /// <summary>Writes what was staged; returns how many of those entries were new.</summary>
        public abstract Task<long> CompleteAsync(CancellationToken ct);

        public abstract ValueTask DisposeAsync();
    }

    /// <summary>
    /// Stages rows in a temporary table (no WAL, no index), then writes the register in one statement beside
    /// other writers (completing cancellations): an entry one of them writes at the same time is skipped by
    /// <c>ON CONFLICT</c>, and the register index follows commit order, so nothing needs to wait. A large load
    /// drops the unique (msisdn, day) index and builds it again afterwards: maintaining it row by row costs about
    /// three times as much (docs/benchmarks.md). That path locks the register against readers and writers from
    /// the start, so it never has to upgrade a lock (which could deadlock) and cannot leave the index missing:
    /// the DDL is part of the transaction.
    /// <para>
    /// A large load into an empty register (the legacy register of a migration) skips the staging too: once the rows
    /// reach the large-load size, the register is locked, found empty, stripped of its indexes, and every further batch is
    /// copied straight into it; the indexes are built at the end, in the same transaction. A number repeated on the
    /// same day in the file makes the unique index's build fail: the later copies are then deleted and the build runs again
    /// (decision 0034).
    /// </para>
    /// </summary>
    private sealed class PostgresWriter(AppDbContext db, DateTimeOffset now, string source, long largeLoadFromRows) : BatchWriter
    {
        private const string UniqueIndex = "IX_disconnections_Msisdn_DisconnectedOn";

        /// <summary>How long the import waits for the register lock (behind a long reader or another import) before giving up.</summary>
        private const string LockTimeout = "60s";

        /// <summary>
        /// How long a load into an empty register waits for its lock before it takes the staged way instead: readers and
        /// writers queue behind a waiting lock request, so it must not wait long for something it can do without.
        /// </summary>
        private const string DirectLoadLockTimeout = "5s";

        private long _staged;

        /// <summary>Whether the rows have reached the large-load size, so the empty-register check has been made.</summary>
        private bool _largeLoadChecked;

        /// <summary>The transaction that copies the rows straight into the empty register, while it does.</summary>
        private NpgsqlTransaction? _directLoad;

        private long _loadedDirectly;

        /// <summary>The register's indexes as they were before a direct load dropped them, to be built again.</summary>
        private List<RegisterIndex> _droppedIndexes = [];

        private NpgsqlConnection Connection => (NpgsqlConnection)db.Database.GetDbConnection();

        public override string CompletionNote(long written) =>
            _directLoad is null ? $"writing {written:N0} rows into the register…" : $"indexing the {written:N0} rows copied into the register…";

        protected override async Task PrepareAsync(CancellationToken ct)
        {
            await using var create = new NpgsqlCommand("CREATE TEMP TABLE IF NOT EXISTS register_import (msisdn varchar(16) NOT NULL, day date NOT NULL) ON COMMIT PRESERVE ROWS; TRUNCATE register_import", Connection);
            await create.ExecuteNonQueryAsync(ct);
        }

        public override async Task<int> WriteAsync(IReadOnlyList<(string Msisdn, DateOnly Day)> batch, CancellationToken ct)
        {
            if (batch.Count == 0)
                return 0;
            if (!_largeLoadChecked && _staged + batch.Count >= largeLoadFromRows)
            {
                _largeLoadChecked = true;
                await TryStartDirectLoadAsync(ct);
            }
            if (_directLoad is not null)
            {
                await CopyAsync("""COPY disconnections ("Msisdn", "DisconnectedOn", "Source", "RecordedAt") FROM STDIN (FORMAT BINARY)""", batch, entries: true, ct);
                _loadedDirectly += batch.Count;
                return 0;
            }
            await CopyAsync("COPY register_import (msisdn, day) FROM STDIN (FORMAT BINARY)", batch, entries: false, ct);
            _staged += batch.Count;
            return 0;
        }

        private async Task CopyAsync(string copyCommand, IReadOnlyList<(string Msisdn, DateOnly Day)> batch, bool entries, CancellationToken ct)
        {
            await using var copy = await Connection.BeginBinaryImportAsync(copyCommand, ct);
            var recordedAt = now.UtcDateTime;
            // Synchronous writes into the importer's buffer: an await per value costs more than the value.
            foreach (var (msisdn, day) in batch)
            {
                copy.StartRow();
                copy.Write(msisdn, NpgsqlDbType.Varchar);
                copy.Write(day, NpgsqlDbType.Date);
                if (entries)
                {
                    copy.Write(source, NpgsqlDbType.Varchar);
                    copy.Write(recordedAt, NpgsqlDbType.TimestampTz);
                }
            }
            await copy.CompleteAsync(ct);
        }

        /// <summary>
        /// If the register is empty, locks it, drops its indexes and moves the rows staged so far into it, leaving the
        /// transaction open for the batches to come. A register that holds entries (looked at without a lock first, so
        /// that an ordinary import never queues readers and writers behind a lock request), that another table's foreign
        /// key refers to, or that others keep busy for a few seconds, is left alone: the rows go on being staged.
        /// </summary>
        private async Task TryStartDirectLoadAsync(CancellationToken ct)
        {
            const string empty = """
                SELECT NOT EXISTS (SELECT 1 FROM disconnections)
                   AND NOT EXISTS (SELECT 1 FROM pg_constraint WHERE confrelid = 'disconnections'::regclass)
                """;
            if (!await ScalarAsync<bool>(empty, ct))
                return;
            var transaction = await Connection.BeginTransactionAsync(ct);
            try
            {
                await LockRegisterAsync(DirectLoadLockTimeout, ct);
                // Again under the lock: an entry committed in between sends the load the staged way.
                if (!await ScalarAsync<bool>(empty, ct))
                {
                    await transaction.RollbackAsync(ct);
                    await transaction.DisposeAsync();
                    return;
                }
                _droppedIndexes = await ReadIndexesAsync(ct);
                foreach (var index in _droppedIndexes)
                    await ExecuteAsync(index.Drop, ct);
                if (_staged > 0)
                {
                    await using var move = new NpgsqlCommand("""
                        INSERT INTO disconnections ("Msisdn", "DisconnectedOn", "Source", "RecordedAt") SELECT msisdn, day, @source, @now FROM register_import;
                        TRUNCATE register_import
                        """, Connection) { CommandTimeout = 0 };
                    move.Parameters.AddWithValue("now", now.UtcDateTime);
                    move.Parameters.AddWithValue("source", source);
                    await move.ExecuteNonQueryAsync(ct);
                    _loadedDirectly = _staged;
                    _staged = 0;
                }
                _directLoad = transaction;
            }
            catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.LockNotAvailable)
            {
                // Busy (another import, a long query): stage as for a register that holds entries.
                await transaction.DisposeAsync();
            }
            catch
            {
                await transaction.DisposeAsync();
                throw;
            }
        }

        /// <summary>
        /// The register's indexes with the statements that drop and rebuild them, read from the catalogue so that an
        /// index a later migration adds is rebuilt too. Unique ones first: their build is where a repeated entry shows.
        /// </summary>
        private async Task<List<RegisterIndex>> ReadIndexesAsync(CancellationToken ct)
        {
            await using var command = new NpgsqlCommand("""
                SELECT i.indexrelid::regclass::text, quote_ident(c.conname), pg_get_indexdef(i.indexrelid), pg_get_constraintdef(c.oid),
                       i.indisunique AND NOT i.indisprimary, (SELECT relname FROM pg_class WHERE oid = i.indexrelid)
                FROM pg_index i LEFT JOIN pg_constraint c ON c.conindid = i.indexrelid AND c.conrelid = i.indrelid
                WHERE i.indrelid = 'disconnections'::regclass
                """, Connection);
            var indexes = new List<RegisterIndex>();
            await using (var reader = await command.ExecuteReaderAsync(ct))
            {
                while (await reader.ReadAsync(ct))
                {
                    indexes.Add(reader.IsDBNull(1)
                        ? new RegisterIndex(reader.GetString(5), $"DROP INDEX {reader.GetString(0)}", reader.GetString(2), reader.GetBoolean(4))
                        : new RegisterIndex(reader.GetString(5), $"ALTER TABLE disconnections DROP CONSTRAINT {reader.GetString(1)}",
                            $"ALTER TABLE disconnections ADD CONSTRAINT {reader.GetString(1)} {reader.GetString(3)}", reader.GetBoolean(4)));
                }
            }
            return [.. indexes.OrderByDescending(i => i.Unique)];
        }

        private sealed record RegisterIndex(string Name, string Drop, string Create, bool Unique);

        public override async Task<long> CompleteAsync(CancellationToken ct)
        {
            if (_directLoad is not null)
                return await CompleteDirectLoadAsync(_directLoad, ct);
            if (_staged == 0)
                return 0;
            await ExecuteAsync("ANALYZE register_import", ct);
            await using var transaction = await Connection.BeginTransactionAsync(ct);
            var rebuild = _staged >= largeLoadFromRows && _staged * 4 >= await RegisterSizeEstimateAsync(ct);
            await GiveTheLoadMemoryAsync(ct);
            if (rebuild)
            {
                try
                {
                    await LockRegisterAsync(LockTimeout, ct);
                }
                catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.LockNotAvailable)
                {
                    throw new InvalidOperationException($"The register stayed busy for {LockTimeout} (another import, or a long query on it); nothing was written. Try again.", e);
                }
                await ExecuteAsync($"""DROP INDEX "{UniqueIndex}" """, ct);
            }

            // Sorted, so the index is filled in order. NOT EXISTS skips what is already there cheaply; ON CONFLICT
            // (only without a rebuild: it needs the unique index) skips an entry a completing cancellation writes
            // at the same moment; with a rebuild no one else can write.
            await using var insert = new NpgsqlCommand($"""
                INSERT INTO disconnections ("Msisdn", "DisconnectedOn", "Source", "RecordedAt")
                SELECT DISTINCT s.msisdn, s.day, @source, @now FROM register_import s
                WHERE NOT EXISTS (SELECT 1 FROM disconnections d WHERE d."Msisdn" = s.msisdn AND d."DisconnectedOn" = s.day)
                ORDER BY s.msisdn, s.day
                {(rebuild ? "" : "ON CONFLICT (\"Msisdn\", \"DisconnectedOn\") DO NOTHING")}
                """, Connection, transaction) { CommandTimeout = 0 };
            insert.Parameters.AddWithValue("now", now.UtcDateTime);
            insert.Parameters.AddWithValue("source", source);
            var inserted = await insert.ExecuteNonQueryAsync(ct);

            if (rebuild)
                await ExecuteAsync($"""CREATE UNIQUE INDEX "{UniqueIndex}" ON disconnections ("Msisdn", "DisconnectedOn")""", ct);
            await transaction.CommitAsync(ct);
            if (rebuild)
                await AnalyzeRegisterAsync();
            // The staged rows are dropped when the writer is disposed.
            return inserted;
        }

        /// <summary>
        /// Builds the dropped indexes again and commits the load. When a unique index cannot be built because the file
        /// named a number twice for the same day, the later copies are deleted (the first keeps its sequence number) and
        /// the index is built again; they count as already registered, as on every other path.
        /// </summary>
        private async Task<long> CompleteDirectLoadAsync(NpgsqlTransaction transaction, CancellationToken ct)
        {
            await GiveTheLoadMemoryAsync(ct);
            long repeated = 0;
            foreach (var index in _droppedIndexes)
            {
                if (!index.Unique)
                {
                    await ExecuteAsync(index.Create, ct);
                    continue;
                }
                await transaction.SaveAsync("unique_index", ct);
                try
                {
                    await ExecuteAsync(index.Create, ct);
                }
                catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UniqueViolation && index.Name == UniqueIndex && repeated == 0)
                {
                    await transaction.RollbackAsync("unique_index", ct);
                    repeated = await DeleteRepeatedEntriesAsync(ct);
                    await ExecuteAsync(index.Create, ct);
                }
            }
            await transaction.CommitAsync(ct);
            await AnalyzeRegisterAsync();
            return _loadedDirectly - repeated;
        }

        /// <summary>Deletes every entry but the first of each (number, day): the file named them more than once.</summary>
        private async Task<long> DeleteRepeatedEntriesAsync(CancellationToken ct)
        {
            await using var delete = new NpgsqlCommand("""
                DELETE FROM disconnections d USING (
                    SELECT ctid FROM (
                        SELECT ctid, row_number() OVER (PARTITION BY "Msisdn", "DisconnectedOn" ORDER BY "Id") AS copy FROM disconnections) numbered
                    WHERE copy > 1) repeated
                WHERE d.ctid = repeated.ctid
                """, Connection) { CommandTimeout = 0 };
            return await delete.ExecuteNonQueryAsync(ct);
        }

        /// <summary>
        /// After a load that changed the register's size by a quarter or more: fresh statistics at once, so that every reader
        /// (the instances following the register, lookups by number, reports) is planned against the register as it now is
        /// rather than until autovacuum comes round. The load is committed by then: a failure here only leaves that to autovacuum.
        /// </summary>
        private async Task AnalyzeRegisterAsync()
        {
            try
            {
                await ExecuteAsync("ANALYZE disconnections", CancellationToken.None);
            }
            catch (NpgsqlException)
            {
                // Autovacuum analyzes the table later.
            }
        }

        /// <summary>The planner's row estimate: exact enough to choose a path, and free.</summary>
        private async Task<long> RegisterSizeEstimateAsync(CancellationToken ct) =>
            await ScalarAsync<long>("SELECT GREATEST(reltuples, 0)::bigint FROM pg_class WHERE oid = 'disconnections'::regclass", ct);

        /// <summary>Locks the register against every other session until the transaction ends; fails with 55P03 after <paramref name="timeout"/>.</summary>
        private Task LockRegisterAsync(string timeout, CancellationToken ct) =>
            ExecuteAsync($"SET LOCAL lock_timeout = '{timeout}'; LOCK TABLE disconnections IN ACCESS EXCLUSIVE MODE; SET LOCAL lock_timeout TO DEFAULT", ct);

        /// <summary>For this transaction: work_mem keeps the sort that removes duplicates in memory, maintenance_work_mem the index builds.</summary>
        private Task GiveTheLoadMemoryAsync(CancellationToken ct) =>
            ExecuteAsync("SET LOCAL work_mem = '256MB'; SET LOCAL maintenance_work_mem = '512MB'", ct);

        private async Task<T> ScalarAsync<T>(string sql, CancellationToken ct)
        {
            await using var command = new NpgsqlCommand(sql, Connection);
            return (T)(await command.ExecuteScalarAsync(ct))!;
        }

        private async Task ExecuteAsync(string sql, CancellationToken ct)
        {
            await using var command = new NpgsqlCommand(sql, Connection) { CommandTimeout = 0 };
            await command.ExecuteNonQueryAsync(ct);
        }

        public override async ValueTask DisposeAsync()
        {
            // A direct load not committed by now failed or was stopped: rolling it back leaves the register as it was (and
            // a connection that broke has rolled it back already).
            if (_directLoad is not null)
            {
                try
                {
                    await _directLoad.DisposeAsync();
                }
                catch (NpgsqlException)
                {
                    // The connection is broken: PostgreSQL rolls the transaction back when it goes.
                }
            }
            // Pooled connections are not reset (No Reset On Close): drop the staged rows rather than leave them behind.
            if (Connection.State == System.Data.ConnectionState.Open)
            {
                try
                {
                    await ExecuteAsync("DROP TABLE IF EXISTS register_import", CancellationToken.None);
                }
                catch (NpgsqlException)
                {
                    // A broken connection is not returned to the pool; nothing is left behind on it.
                }
            }
            await db.Database.CloseConnectionAsync();
        }
    }

    private sealed class SqliteWriter(AppDbContext db, DateTimeOffset now, string source) : BatchWriter
    {
        private SqliteConnection Connection => (SqliteConnection)db.Database.GetDbConnection();

        protected override Task PrepareAsync(CancellationToken ct) => Task.CompletedTask;

        public override Task<long> CompleteAsync(CancellationToken ct) => Task.FromResult(0L);

        public override async Task<int> WriteAsync(IReadOnlyList<(string Msisdn, DateOnly Day)> batch, CancellationToken ct)
        {
            if (batch.Count == 0)
                return 0;
            await using var transaction = (SqliteTransaction)await Connection.BeginTransactionAsync(ct);
            await using var insert = Connection.CreateCommand();
            insert.Transaction = transaction;
            insert.CommandText = """INSERT OR IGNORE INTO disconnections ("Msisdn", "DisconnectedOn", "Source", "RecordedAt") VALUES ($msisdn, $day, $source, $now)""";
            var msisdn = insert.Parameters.Add("$msisdn", SqliteType.Text);
            var day = insert.Parameters.Add("$day", SqliteType.Text);
            insert.Parameters.AddWithValue("$now", now.UtcTicks);
            insert.Parameters.AddWithValue("$source", source);
            await insert.PrepareAsync(ct);
            var inserted = 0;
            foreach (var entry in batch)
            {
                msisdn.Value = entry.Msisdn;
                day.Value = entry.Day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
                inserted += await insert.ExecuteNonQueryAsync(ct);
            }
            await transaction.CommitAsync(ct);
            return inserted;
        }

        public override async ValueTask DisposeAsync() => await db.Database.CloseConnectionAsync();
    }
}
