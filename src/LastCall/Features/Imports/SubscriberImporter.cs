using LastCall.Auditing;
using System.Collections.Concurrent;
using LastCall.Data;
using LastCall.Hosting;
using LastCall.Security;
using Microsoft.EntityFrameworkCore;

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
    public const int BatchSize = 500;

    public async Task<ImportSummary> ImportAsync(
        Stream csv,
        Action<RowRejection>? onRejected = null,
        Action<ImportProgress>? onProgress = null,
        CancellationToken cancellationToken = default)
    {
        long? totalBytes = csv.CanSeek ? csv.Length : null;
        var reader = new CsvRowReader(csv);
        var kept = new List<RowRejection>();
        int imported = 0, rejected = 0, rowsRead = 0;

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

        var run = new ImportRun(Guid.CreateVersion7(), settings, clock);
        var batch = new List<SubscriberRecord>(BatchSize);
        async Task Flush()
        {
            var outcome = await ImportBatchAsync(run, batch, cancellationToken);
            imported += outcome.Imported;
            foreach (var rejection in outcome.Rejected)
                Reject(rejection);
            batch.Clear();
            onProgress?.Invoke(new ImportProgress(reader.BytesRead, totalBytes, rowsRead, imported, rejected));
        }

        while (await reader.ReadAsync(cancellationToken) is { } row)
        {
            rowsRead++;
            if (row.Fields is null)
            {
                Reject(new RowRejection(row.LineNumber, row.ErrorCode!, row.ErrorDetail!));
                continue;
            }
            var record = format.Value.Parse(row.LineNumber, row.Fields);
            if (!record.IsSuccess)
            {
                Reject(new RowRejection(row.LineNumber, record.Error!.Code, record.Error.Message));
                continue;
            }
            batch.Add(record.Value);
            if (batch.Count == BatchSize)
                await Flush();
        }
        if (batch.Count > 0 || rowsRead == 0)
            await Flush();

        logger.LogInformation("Import {RunId}: {Imported} imported, {Rejected} rejected", run.Id, imported, rejected);
        // Rows refused by the database checks are found a batch later than parse errors: report in file order.
        return new ImportSummary(imported, rejected, [.. kept.OrderBy(r => r.Row)], null);
    }

    /// <summary>
    /// Writes a batch in one transaction. If any row fails after it began changing entities (or the save
    /// itself fails), the batch is redone row by row so that the bad row is the only one left out.
    /// </summary>
    private async Task<(int Imported, List<RowRejection> Rejected)> ImportBatchAsync(ImportRun run, List<SubscriberRecord> batch, CancellationToken cancellationToken)
    {
        var rejected = new List<RowRejection>();
        if (batch.Count == 0)
            return (0, rejected);
        var actor = currentActor.Get();
        // Each write is audited in itself, so the rows of an import that stops half-way are accounted for.
        void RecordBatch(AppDbContext db, int firstRow, int lastRow, int imported, int rejected) =>
            AuditTrail.RecordIn(db, actor, "subscribers.batch_imported", null, null, new { run = run.Id, firstRow, lastRow, imported, rejected }, run.Clock.GetUtcNow());

        var identities = batch.ToDictionary(r => r.Row, r => protector.Protect(r.Id));
        var passwordHashes = new ConcurrentDictionary<int, string>();
        await using (var db = await contexts.CreateDbContextAsync(cancellationToken))
        {
            var writer = await SubscriberBatchWriter.LoadAsync(db, run, batch, identities, protector, passwordHashes, cancellationToken);
            var needsRowByRow = false;
            var imported = 0;
            foreach (var record in batch)
            {
                var outcome = writer.Apply(record);
                if (outcome.Rejection is null)
                {
                    imported++;
                    continue;
                }
                if (outcome.ChangedEntities)
                {
                    needsRowByRow = true;
                    break;
                }
                rejected.Add(outcome.Rejection);
            }
            if (!needsRowByRow)
            {
                try
                {
                    RecordBatch(db, batch[0].Row, batch[^1].Row, imported, rejected.Count);
                    await db.SaveChangesAsync(cancellationToken);
                    return (imported, rejected);
                }
                catch (DbUpdateException ex)
                {
                    logger.LogWarning(ex, "Import {RunId}: a batch failed to save; retrying its rows one by one", run.Id);
                }
            }
        }

        rejected.Clear();
        var importedOneByOne = 0;
        foreach (var record in batch)
        {
            await using var db = await contexts.CreateDbContextAsync(cancellationToken);
            var writer = await SubscriberBatchWriter.LoadAsync(db, run, [record], identities, protector, passwordHashes, cancellationToken);
            var outcome = writer.Apply(record);
            if (outcome.Rejection is not null)
            {
                rejected.Add(outcome.Rejection);
                continue;
            }
            try
            {
                RecordBatch(db, record.Row, record.Row, imported: 1, rejected: 0);
                await db.SaveChangesAsync(cancellationToken);
                importedOneByOne++;
            }
            catch (DbUpdateException ex)
            {
                rejected.Add(new RowRejection(record.Row, "conflict", "The row conflicts with data written at the same time: " + (ex.InnerException?.Message ?? ex.Message)));
            }
        }
        return (importedOneByOne, rejected);
    }

    private DateOnly Today() => DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);
}

/// <summary>What every batch of one import run shares.</summary>
public sealed record ImportRun(Guid Id, LastCallSettings Settings, TimeProvider Clock);
