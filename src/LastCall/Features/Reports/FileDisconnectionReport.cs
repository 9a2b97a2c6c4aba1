using System.ComponentModel.DataAnnotations;
using System.Globalization;
using LastCall.Auditing;
using LastCall.Data;
using LastCall.Domain.Common;
using LastCall.Domain.Numbers;
using LastCall.Domain.Reports;
using LastCall.Hosting;
using Microsoft.EntityFrameworkCore;

namespace LastCall.Features.Reports;

/// <summary>Section <c>Reports</c>: what regulator reports need from the operator.</summary>
public sealed class ReportSettings
{
    /// <summary>The operator's FCC company identifier, the <c>company_id</c> column of <c>fcc-rnd</c> reports.</summary>
    [MaxLength(32)]
    public string CompanyId { get; set; } = "";

    /// <summary>At most this many rows per file; a larger report is split into numbered files (the RND takes 1,000,000).</summary>
    [Range(1, 1_000_000)]
    public int MaxRowsPerFile { get; set; } = 1_000_000;

    /// <summary>How long one filing's statements may run: the first report after a large legacy load claims millions of entries at once.</summary>
    [Range(30, 86_400)]
    public int FilingTimeoutSeconds { get; set; } = 1_800;
}

/// <summary>
/// POST /api/v1/admin/reports/disconnections and <c>lastcall reports disconnections</c>: files the month's report of
/// permanent disconnections for a regulator. In one transaction it claims every completed cancellation's register
/// entry up to the month's last day that no earlier report of this profile took (so a late one goes into the next
/// report, and none is filed twice), writes the files row by row as it reads them, and records the report with the
/// files' SHA-256. A month is filed once per profile. Port-outs, transfers and suspensions are never in the register,
/// and imported legacy entries are reported only when imported with <c>--report</c>.
/// </summary>
public sealed class FileDisconnectionReport(
    AppDbContext db, AuditTrail audit, ReportStore store, ReportSettings settings, PolicySettings policies, TimeProvider clock)
{
    public sealed record Request(string? Period, string? Profile, string? Format);

    public sealed record FileSummary(string Name, long RowCount, string Sha256, long Bytes);

    public sealed record Response(Guid Id, string Period, string Profile, string Format, long RowCount, string Sha256, IReadOnlyList<FileSummary> Files, DateTimeOffset CreatedAt, string CreatedBy)
    {
        public static Response From(DisconnectionReport r) => new(
            r.Id, r.Period, DisconnectionReport.Describe(r.Profile), DisconnectionReport.Describe(r.Format), r.RowCount, r.Sha256,
            [.. r.Files.Select(f => new FileSummary(f.Name, f.RowCount, f.Sha256, f.Bytes))], r.CreatedAt, r.CreatedBy);
    }

    public async Task<Result<Response>> HandleAsync(Request request, string filedBy, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var begun = DisconnectionReport.Begin(request.Period, request.Profile, request.Format, policies.Today(now), filedBy, now);
        if (!begun.IsSuccess)
            return begun.Error!;
        var report = begun.Value;
        if (await db.DisconnectionReports.AnyAsync(r => r.Period == report.Period && r.Profile == report.Profile, ct))
            return AlreadyFiled(report);

        // The default 30 s per statement is for requests; a filing after a large legacy load claims and reads millions of rows.
        db.Database.SetCommandTimeout(TimeSpan.FromSeconds(settings.FilingTimeoutSeconds));
        try
        {
            await using var transaction = await db.Database.BeginTransactionAsync(ct);
            db.DisconnectionReports.Add(report);
            audit.Record("report.filed", report.Period, after: new { report.Id, report.Period, profile = DisconnectionReport.Describe(report.Profile), format = DisconnectionReport.Describe(report.Format) });
            await db.SaveChangesAsync(ct);
            var claimed = await ClaimEntriesAsync(report, ct);
            var files = await WriteFilesAsync(report, claimed, ct);
            var (hashes, all) = await ReportFileWriter.HashAsync(files.Select(f => f.Path).ToList(), ct);
            report.Filed([.. files.Select((f, i) => new ReportFile(f.Name, f.Rows, hashes[i], new FileInfo(f.Path).Length))], all);
            audit.Record("report.files_recorded", report.Period, after: new { report.Id, report.RowCount, report.Sha256, files = report.Files.Select(f => f.Name) });
            await db.SaveChangesAsync(ct);
            await transaction.CommitAsync(ct);
        }
        catch (DbUpdateException)
        {
            // Filed at the same moment by someone else (the unique period and profile, or an entry's filing).
            db.ChangeTracker.Clear();
            store.Delete(report.Id);
            return AlreadyFiled(report);
        }
        catch
        {
            db.ChangeTracker.Clear();
            store.Delete(report.Id);
            throw;
        }
        return Response.From(report);
    }

    private static DomainError AlreadyFiled(DisconnectionReport report) =>
        Fail.Conflict("already_filed", $"{report.Period} is already filed with profile {DisconnectionReport.Describe(report.Profile)}; its report is in the list.");

    /// <summary>Takes, for this report, every reportable entry up to the month's end that no report of the profile has; returns how many.</summary>
    private async Task<int> ClaimEntriesAsync(DisconnectionReport report, CancellationToken ct)
    {
        var profile = report.Profile.ToString();
        // LastCall's own disconnections, and legacy ones imported with --report.
        var cancelled = nameof(DisconnectionSource.Cancellation);
        var reportedImport = nameof(DisconnectionSource.ReportableImport);
        var lastDay = report.LastDay;
        // Two filings of one profile at once would race for the same entries; on PostgreSQL the second waits here
        // (SQLite has one writer at a time anyway).
        if (db.Database.IsNpgsql())
        {
            await db.Database.ExecuteSqlAsync($"SELECT pg_advisory_xact_lock(hashtext('lastcall.report_filing'), hashtext({profile}))", ct);
            // The claim inserts into the table its NOT EXISTS reads. Planned on a ledger that looks empty (the first report, or
            // statistics older than the last filing), that anti-join becomes a nested loop over a sequential scan, which also
            // walks the rows this statement is adding: quadratic (50,000 entries took 70 s). A hash anti-join reads the ledger once.
            await db.Database.ExecuteSqlRawAsync("SET LOCAL enable_nestloop = off", ct);
        }
        var prefix = report.Profile == ReportProfile.FccRnd ? "+1%" : "+%";
        return await db.Database.ExecuteSqlAsync($"""
            INSERT INTO report_filings ("Profile", "DisconnectionId", "ReportId")
            SELECT {profile}, d."Id", {report.Id}
            FROM disconnections d
            WHERE d."Source" IN ({cancelled}, {reportedImport}) AND d."DisconnectedOn" <= {lastDay} AND d."Msisdn" LIKE {prefix}
              AND NOT EXISTS (SELECT 1 FROM report_filings f WHERE f."Profile" = {profile} AND f."DisconnectionId" = d."Id")
            """, ct);
    }

    private sealed record WrittenFile(string Name, string Path, long Rows);

    /// <summary>Streams the claimed entries, oldest first, into files of at most <see cref="ReportSettings.MaxRowsPerFile"/> rows.</summary>
    private async Task<List<WrittenFile>> WriteFilesAsync(DisconnectionReport report, int total, CancellationToken ct)
    {
        var parts = Math.Max(1, (total + settings.MaxRowsPerFile - 1) / settings.MaxRowsPerFile);
        var fcc = report.Profile == ReportProfile.FccRnd;
        IReadOnlyList<string> header = fcc
            ? parts > 1 ? ["company_id", "tn", "disconnect_date", "batch_id"] : ["company_id", "tn", "disconnect_date"]
            : ["msisdn", "disconnected_on", "cancellation_id"];
        var extension = DisconnectionReport.Describe(report.Format);
        var baseName = $"disconnections-{report.Period}-{DisconnectionReport.Describe(report.Profile)}";
        string NameOf(int part) => parts == 1 ? $"{baseName}.{extension}" : $"{baseName}-{part:D3}-of-{parts:D3}.{extension}";

        var entries = db.ReportFilings.AsNoTracking()
            .Where(f => f.ReportId == report.Id)
            .Join(db.Disconnections, f => f.DisconnectionId, d => d.Id, (f, d) => new { d.Id, d.Msisdn, d.DisconnectedOn, d.CancellationId })
            .OrderBy(d => d.DisconnectedOn).ThenBy(d => d.Id)
            .AsAsyncEnumerable();

        var files = new List<WrittenFile>();
        var part = 1;
        var path = store.PathFor(report.Id, NameOf(part), create: true);
        var writer = ReportFileWriter.Create(report.Format, path, header);
        try
        {
            await foreach (var entry in entries.WithCancellation(ct))
            {
                if (writer.Rows == settings.MaxRowsPerFile)
                {
                    await writer.DisposeAsync();
                    files.Add(new WrittenFile(NameOf(part), path, writer.Rows));
                    part++;
                    path = store.PathFor(report.Id, NameOf(part), create: true);
                    writer = ReportFileWriter.Create(report.Format, path, header);
                }
                var date = entry.DisconnectedOn.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
                await writer.WriteRowAsync(fcc
                    ? parts > 1 ? [settings.CompanyId, entry.Msisdn.Value[2..], date, part.ToString(CultureInfo.InvariantCulture)] : [settings.CompanyId, entry.Msisdn.Value[2..], date]
                    : [entry.Msisdn.Value, date, entry.CancellationId?.ToString() ?? ""]);
            }
        }
        finally
        {
            await writer.DisposeAsync();
        }
        files.Add(new WrittenFile(NameOf(part), path, writer.Rows));
        return files;
    }
}
