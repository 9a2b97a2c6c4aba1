using LastCall.Auditing;
using System.Collections.Concurrent;
using System.Data.Common;
using LastCall.Data;
using LastCall.Hosting;
using LastCall.Security;
using LastCall.Domain.Audit;
using LastCall.Domain.Customers;
using LastCall.Domain.Lines;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using System.Threading.Channels;

namespace LastCall.Features.Imports;

/// <summary>Progress of a running import, for progress bars and log lines.</summary>
public readonly record struct ImportProgress(long BytesRead, long? TotalBytes, int RowsRead, int Imported, int Rejected);

/// <summary>The outcome of an import. Only the first rejections are kept; all of them are streamed to the observer.</summary>
public sealed record ImportSummary(int Imported, int RejectedCount, IReadOnlyList<RowRejection> Rejected, RowRejection? FileError)
{
    public const int MaxKeptRejections = 1000;
}

/// <summary>
/// Imports subscribers from the CSV of API.md. The file is streamed and processed in batches, so memory
/// does not grow with the file. Every row is validated; a bad row is reported with its line number and
/// never aborts the rest. Each row's customer, line, profiles, billing account, pool number and register
/// entry are written together or not at all. Re-importing a file is an upsert by MSISDN.
/// </summary>
public sealed class SubscriberImporter(
    IDbContextFactory<AppDbContext> contexts,
    IdNumberProtector protector,
    CurrentActor currentActor,
    LastCallSettings settings,
    TimeProvider clock,
    ILogger<SubscriberImporter> logger)
{
    /// <summary>
    /// Rows per batch (one transaction, one audit event). Large enough that a batch's set queries and its COPY cost far
    /// more than their round trips; small enough that the batches in memory keep the process near 300 MB with the server
    /// GC. On PostgreSQL up to six are (two written, one applied, one read from the database, one waiting, one being parsed
    /// and protected; decision 0019): 9,000 rows (5,000 rows a batch measured 350–380 MB with fewer in memory;
    /// docs/benchmarks.md has the peak RSS of each slice).
    /// </summary>
    public const int BatchSize = 1_500;

    public async Task<ImportSummary> ImportAsync(
        Stream csv,
        Action<RowRejection>? onRejected = null,
        Action<ImportProgress>? onProgress = null,
        CancellationToken cancellationToken = default)
    {
        long? totalBytes = csv.CanSeek ? csv.Length : null;
        var reader = new CsvRowReader(csv);
        var kept = new List<RowRejection>();
        int imported = 0, rejected = 0;

        void Reject(RowRejection rejection)
        {
            rejected++;
            if (kept.Count < ImportSummary.MaxKeptRejections)
                kept.Add(rejection);
            onRejected?.Invoke(rejection);
        }

        var header = await reader.ReadAsync(cancellationToken);
        if (header is not { Fields: { } headerFields })
        {
            var error = header is null
                ? new RowRejection(1, "missing_header", "The file is empty; the first line must be the header row.")
                : new RowRejection(header.Value.LineNumber, header.Value.ErrorCode!, header.Value.ErrorDetail!);
            return new ImportSummary(0, 0, kept, error);
        }
        var format = SubscriberCsvFormat.FromHeader(headerFields, Today());
        if (!format.IsSuccess)
            return new ImportSummary(0, 0, kept, new RowRejection(header.Value.LineNumber, format.Error!.Code, format.Error.Message));

        // The run's id tells its age to the cleanup of abandoned runs (ForgetLinesSeenAsync): made on the same clock.
        var run = new ImportRun(Guid.CreateVersion7(clock.GetUtcNow()), settings, clock);
        var actor = currentActor.Get();
        // Reading, parsing and protecting the next batch overlaps with writing this one; batches are reported one at a
        // time in file order.
        var batches = Channel.CreateBounded<PreparedBatch>(new BoundedChannelOptions(1) { SingleReader = true, SingleWriter = true });
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var producer = Task.Run(() => ReadBatchesAsync(reader, format.Value, batches.Writer, stop.Token), stop.Token);
        // The stages overlap on PostgreSQL (decision 0019): while earlier batches are written (COPY, updates, audit event,
        // commit, each batch in its own transaction on its own connection: mostly PostgreSQL's CPU), the next ones' rows are
        // read (PostgreSQL again, and the importer's materialising) and the oldest read batch is applied through the
        // aggregates (the importer's CPU). A batch's read starts only once no batch still being written shares a key with
        // it; one read beside earlier batches' reads is checked against their keys once all are known, and read again after
        // their commits if it shares any. Writes are reported in file order.
        var writesAtOnce = WritesAtOnce();
        var overlapStages = writesAtOnce > 1;
        // Reading ahead pays where reading is most of a batch's work: while the batches read find existing lines (a re-import).
        // A batch of new lines reads little, and a read beside the writes only adds a batch in memory and contention.
        var readsAhead = 0;
        var reads = new Queue<BatchRead>();
        var inFlight = new Queue<BatchWrite>();
        var statistics = new PlannerStatistics(contexts, logger, stop.Token);
        async Task ReportOldestAsync()
        {
            var oldest = inFlight.Dequeue();
            var outcome = await oldest.Task;
            imported += outcome.Imported;
            statistics.Committed(outcome.NewLines);
            // Parse errors and database refusals of one batch, reported together in file order.
            outcome.Rejected.AddRange(oldest.Batch.ParseRejections);
            foreach (var rejection in outcome.Rejected.OrderBy(r => r.Row))
                Reject(rejection);
            onProgress?.Invoke(new ImportProgress(oldest.Batch.BytesRead, totalBytes, oldest.Batch.RowsRead, imported, rejected));
        }
        async Task StartReadingAsync(PreparedBatch batch)
        {
            var keys = BatchKeys.Of(batch.Records, batch.Identities);
            // A batch read ahead whose records share a key with this one's is applied and written first (a customer's lines
            // across a boundary, say): only the ICCIDs a read finds on its lines are left to the check after the reads.
            while (reads.Any(earlier => earlier.Keys.RecordsOverlap(keys)))
                await ApplyOldestReadAsync();
            while (inFlight.Count > 0 && (!overlapStages || inFlight.Any(write => write.Keys.Overlaps(keys))))
                await ReportOldestAsync();
            // On a thread of its own: the read begins with the blind indexes of the batch's identities (CPU).
            reads.Enqueue(new BatchRead(batch, keys, [.. reads.Select(earlier => earlier.Keys)], Task.Run(() => LoadBatchAsync(run, batch, keys, stop.Token), stop.Token)));
        }
        async Task ApplyOldestReadAsync()
        {
            var read = reads.Dequeue();
            LoadedBatch? loaded = await read.Loaded;
            try
            {
                // Keys are complete once read (with the ICCIDs of the existing lines found). One shared with a batch read
                // beside it, which is written first, means rows that batch writes may have been read as they were before.
                if (read.ReadBeside.Any(earlier => earlier.Overlaps(read.Keys)))
                {
                    var stale = loaded;
                    loaded = null; // a pooled context must not be disposed twice: it may be someone else's by then
                    await stale.DisposeAsync();
                    while (inFlight.Count > 0)
                        await ReportOldestAsync();
                    // The same keys grow by what the second read finds: a superset, as those read beside it need. The
                    // passwords hashed for the first read stand (a line's hash changes only through a row of its number).
                    loaded = await LoadBatchAsync(run, read.Batch, read.Keys, stop.Token, stale.PasswordHashes);
                }
                loaded.Apply(read.Batch.Records);
                readsAhead = overlapStages && loaded.Writer is { } writer && writer.LoadedLineCount * 2 >= read.Batch.Records.Count ? ReadsAhead : 0;
                while (inFlight.Count >= writesAtOnce)
                    await ReportOldestAsync();
            }
            catch
            {
                if (loaded is not null)
                    await loaded.DisposeAsync();
                throw;
            }
            // Every batch before this one, for its row-by-row retry; and once one write fails, the others stop too (the
            // finally below cancels them): no batch commits after one that failed.
            var previous = Task.WhenAll(inFlight.Select(write => write.Task));
            inFlight.Enqueue(new BatchWrite(WriteBatchAsync(run, actor, read.Batch, loaded, previous, stop.Token), loaded.Keys, read.Batch));
        }
        try
        {
            await foreach (var batch in batches.Reader.ReadAllAsync(cancellationToken))
            {
                await StartReadingAsync(batch);
                while (reads.Count > readsAhead)
                    await ApplyOldestReadAsync();
            }
            while (reads.Count > 0)
                await ApplyOldestReadAsync();
            while (inFlight.Count > 0)
                await ReportOldestAsync();
            await statistics.FinishAsync(cancellationToken);
        }
        finally
        {
            await stop.CancelAsync();
            foreach (var read in reads)
            {
                try
                {
                    await (await read.Loaded).DisposeAsync();
                }
                catch
                {
                    // Stopped by the cancellation, or failed: the error that matters is the one already thrown.
                }
            }
            foreach (var write in inFlight)
            {
                try
                {
                    await write.Task;
                }
                catch
                {
                    // The stage that failed first threw the error that matters.
                }
            }
            try
            {
                await producer;
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                // The writer stopped first (its error is the one that matters).
            }
            // Bookkeeping, not the request's change: outside its flow, so that an import through the API that failed before
            // its first batch is not taken for one that committed (IdempotencyMiddleware).
            Task forget;
            using (ExecutionContext.SuppressFlow())
                forget = Task.Run(() => ForgetLinesSeenAsync(run), CancellationToken.None);
            await forget;
        }

        logger.LogInformation("Import {RunId}: {Imported} imported, {Rejected} rejected", run.Id, imported, rejected);
        // Batches arrive in file order and each reports its rejections sorted: the kept ones are already in file order.
        return new ImportSummary(imported, rejected, kept, null);
    }

    /// <summary>
    /// Deletes the lines the run remembered in <c>import_run_lines</c> (decision 0032), however it ended, and those left by
    /// runs that began more than a week ago (an importer killed before it could). A failure here is logged, not thrown: the
    /// rows decide nothing for any other run.
    /// </summary>
    private async Task ForgetLinesSeenAsync(ImportRun run)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        // Run ids are version 7 GUIDs, which sort by the time they were made.
        var abandoned = Guid.CreateVersion7(run.Clock.GetUtcNow().AddDays(-7));
        try
        {
            await using var db = await contexts.CreateDbContextAsync(timeout.Token);
            await db.ImportRunLines.Where(m => m.RunId == run.Id || m.RunId.CompareTo(abandoned) < 0).ExecuteDeleteAsync(timeout.Token);
        }
        catch (Exception ex) when (ex is DbException or DbUpdateException or OperationCanceledException)
        {
            logger.LogWarning(ex, "Import {RunId}: the lines it remembered could not be deleted", run.Id);
        }
    }

    /// <summary>A batch ready to write: its valid records with their protected identities, and the rows refused on parsing.</summary>
    private sealed record PreparedBatch(List<SubscriberRecord> Records, Dictionary<int, ProtectedIdNumber> Identities, List<RowRejection> ParseRejections, int RowsRead, long BytesRead);

    private async Task ReadBatchesAsync(CsvRowReader reader, SubscriberCsvFormat format, ChannelWriter<PreparedBatch> batches, CancellationToken ct)
    {
        try
        {
            var rowsRead = 0;
            var records = new List<SubscriberRecord>(BatchSize);
            var parseRejections = new List<RowRejection>();
            async Task Send()
            {
                var identities = new Dictionary<int, ProtectedIdNumber>(records.Count);
                foreach (var record in records)
                    identities[record.Row] = protector.Protect(record.Id);
                await batches.WriteAsync(new PreparedBatch(records, identities, parseRejections, rowsRead, reader.BytesRead), ct);
                records = new List<SubscriberRecord>(BatchSize);
                parseRejections = [];
            }

            while (await reader.ReadAsync(ct) is { } row)
            {
                rowsRead++;
                if (row.Fields is null)
                {
                    parseRejections.Add(new RowRejection(row.LineNumber, row.ErrorCode!, row.ErrorDetail!));
                }
                else
                {
                    var parsed = format.Parse(row.LineNumber, row.Fields);
                    if (parsed.IsSuccess)
                        records.Add(parsed.Value);
                    else
                        parseRejections.Add(new RowRejection(row.LineNumber, parsed.Error!.Code, parsed.Error.Message));
                }
                // Bad rows count towards the batch too, so that a file of bad rows does not pile up in memory.
                if (records.Count + parseRejections.Count >= BatchSize)
                    await Send();
            }
            if (records.Count > 0 || parseRejections.Count > 0 || rowsRead == 0)
                await Send();
            batches.Complete();
        }
        catch (Exception ex)
        {
            batches.TryComplete(ex);
            throw;
        }
    }

    /// <summary>The outcome of writing one batch: rows imported, lines created among them, rows refused (in any order).</summary>
    private readonly record struct BatchOutcome(int Imported, int NewLines, List<RowRejection> Rejected);

    /// <summary>A batch being written: what it will report, the keys it reads and writes, the batch itself.</summary>
    private sealed record BatchWrite(Task<BatchOutcome> Task, BatchKeys Keys, PreparedBatch Batch);

    /// <summary>
    /// A batch whose rows are being read (or have been), not yet applied, and the keys of the batches read beside it, earlier
    /// in the file (their keys, not the batches: those are let go once written).
    /// </summary>
    private sealed record BatchRead(PreparedBatch Batch, BatchKeys Keys, BatchKeys[] ReadBeside, Task<LoadedBatch> Loaded);

    /// <summary>A batch's rows read into a context of its own; <see cref="Apply"/> then applies its records there, ready to be written.</summary>
    private sealed class LoadedBatch(AppDbContext db, SubscriberBatchWriter? writer, BatchKeys keys, ConcurrentDictionary<int, string> passwordHashes) : IAsyncDisposable
    {
        public AppDbContext Db { get; } = db;

        /// <summary>Null when the batch has no valid record.</summary>
        public SubscriberBatchWriter? Writer { get; } = writer;

        public BatchKeys Keys { get; } = keys;

        public ConcurrentDictionary<int, string> PasswordHashes { get; } = passwordHashes;

        public int Imported { get; private set; }

        public List<RowRejection> Rejected { get; } = [];

        /// <summary>A row failed after it began changing entities: the batch is redone row by row.</summary>
        public bool NeedsRowByRow { get; private set; }

        /// <summary>Applies the records through the aggregates (the importer's CPU; nothing is written yet).</summary>
        public void Apply(List<SubscriberRecord> records)
        {
            if (Writer is null)
                return;
            foreach (var record in records)
            {
                var outcome = Writer.Apply(record);
                if (outcome.Rejection is null)
                {
                    Imported++;
                    continue;
                }
                if (outcome.ChangedEntities)
                {
                    NeedsRowByRow = true;
                    return;
                }
                Rejected.Add(outcome.Rejection);
            }
        }

        public ValueTask DisposeAsync() => Db.DisposeAsync();
    }

    /// <summary>
    /// Reads what the batch touches (a handful of set queries) into a context of its own. The keys grow by the ICCIDs of
    /// the existing lines read, whose profiles the batch may remove.
    /// </summary>
    private async Task<LoadedBatch> LoadBatchAsync(ImportRun run, PreparedBatch prepared, BatchKeys keys, CancellationToken cancellationToken,
        ConcurrentDictionary<int, string>? passwordHashes = null)
    {
        var batch = prepared.Records;
        passwordHashes ??= new ConcurrentDictionary<int, string>();
        var db = await contexts.CreateDbContextAsync(cancellationToken);
        if (batch.Count == 0)
            return new LoadedBatch(db, null, keys, passwordHashes);
        try
        {
            var saving = db.Database.IsNpgsql() ? SubscriberBatchWriter.Saving.Bulk : SubscriberBatchWriter.Saving.Tracked;
            var writer = await SubscriberBatchWriter.LoadAsync(db, run, batch, prepared.Identities, protector, passwordHashes, saving, cancellationToken);
            keys.AddIccids(writer.LoadedIccids);
            return new LoadedBatch(db, writer, keys, passwordHashes);
        }
        catch
        {
            await db.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// Writes an applied batch in one transaction. If any row failed after it began changing entities (or the save
    /// itself fails), the batch is redone row by row so that the bad row is the only one left out: after the batches
    /// before it (<paramref name="previous"/>) are written, so that each row is checked against everything above it in
    /// the file, as a sequential import would.
    /// </summary>
    private async Task<BatchOutcome> WriteBatchAsync(ImportRun run, Actor actor, PreparedBatch prepared, LoadedBatch applied, Task previous, CancellationToken cancellationToken)
    {
        // Runs beside the next batch's apply and the read of the one after it: let those go on at once.
        await Task.Yield();
        var batch = prepared.Records;
        var identities = prepared.Identities;
        // Each write is audited in itself, so the rows of an import that stops half-way are accounted for.
        void RecordBatch(AppDbContext db, int firstRow, int lastRow, int imported, int rejected) =>
            AuditTrail.RecordIn(db, actor, "subscribers.batch_imported", null, null, new { run = run.Id, firstRow, lastRow, imported, rejected }, run.Clock.GetUtcNow());

        await using (applied)
        {
            if (applied.Writer is null)
                return new BatchOutcome(0, 0, applied.Rejected);
            if (!applied.NeedsRowByRow)
            {
                try
                {
                    RecordBatch(applied.Db, batch[0].Row, batch[^1].Row, applied.Imported, applied.Rejected.Count);
                    await SaveBatchAsync(applied.Db, applied.Writer, cancellationToken);
                    return new BatchOutcome(applied.Imported, applied.Writer.New.Lines.Count, applied.Rejected);
                }
                catch (Exception ex) when (IsRefusal(ex))
                {
                    logger.LogWarning(ex, "Import {RunId}: a batch failed to save; retrying its rows one by one", run.Id);
                }
            }
        }

        try
        {
            await previous;
        }
        catch
        {
            // Reported by that batch's own report, which comes first.
        }
        var rejected = new List<RowRejection>();
        int importedOneByOne = 0, newLines = 0;
        foreach (var record in batch)
        {
            await using var db = await contexts.CreateDbContextAsync(cancellationToken);
            var writer = await SubscriberBatchWriter.LoadAsync(db, run, [record], identities, protector, applied.PasswordHashes, SubscriberBatchWriter.Saving.Tracked, cancellationToken);
            var outcome = writer.Apply(record);
            if (outcome.Rejection is not null)
            {
                rejected.Add(outcome.Rejection);
                continue;
            }
            try
            {
                writer.PrepareTrackedSave();
                RecordBatch(db, record.Row, record.Row, imported: 1, rejected: 0);
                await db.SaveChangesAsync(cancellationToken);
                importedOneByOne++;
                newLines += writer.New.Lines.Count;
            }
            catch (DbUpdateException ex) when (IsRefusal(ex))
            {
                rejected.Add(new RowRejection(record.Row, "conflict", "The row conflicts with data written at the same time: " + (ex.InnerException?.Message ?? ex.Message)));
            }
        }
        return new BatchOutcome(importedOneByOne, newLines, rejected);
    }

    /// <summary>
    /// The database refused the batch's data (a constraint, a version another writer moved, a serialization failure): worth
    /// redoing row by row so that only the bad row is left out. A lost connection or a server shutting down is not: the run
    /// stops (a re-run is safe), since the lines it remembered in an unlogged table (decision 0032) may not have outlived a
    /// server restart.
    /// </summary>
    internal static bool IsRefusal(Exception ex) => ex switch
    {
        PostgresException refused => !refused.SqlState.StartsWith("08", StringComparison.Ordinal) && !refused.SqlState.StartsWith("57", StringComparison.Ordinal),
        DbUpdateException { InnerException: null } => true,
        DbUpdateException { InnerException: { } inner } => inner is Microsoft.Data.Sqlite.SqliteException || IsRefusal(inner),
        _ => false,
    };

    /// <summary>
    /// How many batches are written at once, each on a connection of its own. PostgreSQL: two, so that its writes can use
    /// both cores of a small machine, while the next batch is loaded on a third connection (decision 0019). SQLite: one,
    /// and nothing is loaded while it is written: its single writer and file locks gain nothing from a second connection.
    /// </summary>
    private int WritesAtOnce()
    {
        using var db = contexts.CreateDbContext();
        return db.Database.IsNpgsql() ? ConcurrentWrites : 1;
    }

    /// <summary>Batches written at once on PostgreSQL.</summary>
    private const int ConcurrentWrites = 2;

    /// <summary>
    /// On PostgreSQL, while the batches read find existing lines, batches read ahead of the one being applied, each on a
    /// connection of its own.
    /// </summary>
    private const int ReadsAhead = 1;

    /// <summary>
    /// On PostgreSQL, in one transaction: the batch's own writes (<see cref="SubscriberBatchWriter.WriteInBulkAsync"/>:
    /// COPY of the new rows, one version-checked <c>UPDATE … FROM</c> per table for the changed ones), then a normal save of
    /// the lines whose status changes and of the batch's audit event, so the product state events are published and the
    /// audit guard sees the event in the transaction that writes what it accounts for (decisions 0013, 0015, 0031). SQLite
    /// saves everything normally.
    /// </summary>
    private static async Task SaveBatchAsync(AppDbContext db, SubscriberBatchWriter writer, CancellationToken ct)
    {
        if (!db.Database.IsNpgsql())
        {
            writer.PrepareTrackedSave();
            await db.SaveChangesAsync(ct);
            return;
        }
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        await writer.WriteInBulkAsync(ct);
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
    }

    private DateOnly Today() => DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);
}

/// <summary>What every batch of one import run shares.</summary>
public sealed record ImportRun(Guid Id, LastCallSettings Settings, TimeProvider Clock);
