using System.ComponentModel.DataAnnotations;
using System.Globalization;
using System.Text;
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
/// A claim is a range, not a list (decision 0017): the entries up to the register's committed horizon and the month's
/// last day, less the earlier reports' ranges, so filing 10 M entries writes one row, not 10 M.
/// </summary>
public sealed class FileDisconnectionReport(
    AppDbContext db, IDbContextFactory<AppDbContext> contexts, AuditTrail audit, ReportStore store, ReportSettings settings, PolicySettings policies, TimeProvider clock)
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

        // The default 30 s per statement is for requests; a filing after a large legacy load reads millions of rows.
        db.Database.SetCommandTimeout(TimeSpan.FromSeconds(settings.FilingTimeoutSeconds));
        try
        {
            await using var transaction = await db.Database.BeginTransactionAsync(ct);
            if (db.Database.IsNpgsql())
                report.ClaimUpTo(await PostgresHorizonAsync(report.Profile, ct));
            db.DisconnectionReports.Add(report);
            audit.Record("report.filed", report.Period, after: new { report.Id, report.Period, profile = DisconnectionReport.Describe(report.Profile), format = DisconnectionReport.Describe(report.Format) });
            await db.SaveChangesAsync(ct);
            // SQLite has one writer at a time, and this transaction has written: no entry can commit behind the newest one now.
            if (report.ClaimedUpToId is null)
                report.ClaimUpTo(await db.Disconnections.MaxAsync(d => (long?)d.Id, ct) ?? 0);
            var claim = await ClaimAsync(report, ct);
#pragma warning disable EF1003 // The claim's text is built from constant fragments only; every value in it is a parameter.
            var total = await db.Database.SqlQueryRaw<int>("SELECT COUNT(*) AS \"Value\" " + claim.From, [.. claim.Parameters]).SingleAsync(ct);
#pragma warning restore EF1003
            var files = await WriteFilesAsync(report, claim, total, ct);
            var (hashes, all) = await ReportFileWriter.HashAsync(files.Select(f => f.Path).ToList(), ct);
            report.Filed([.. files.Select((f, i) => new ReportFile(f.Name, f.Rows, hashes[i], new FileInfo(f.Path).Length))], all);
            audit.Record("report.files_recorded", report.Period, after: new { report.Id, report.RowCount, report.Sha256, report.ClaimedUpToId, files = report.Files.Select(f => f.Name) });
            await db.SaveChangesAsync(ct);
            await transaction.CommitAsync(ct);
        }
        catch (DbUpdateException)
        {
            // Filed at the same moment by someone else (the unique period and profile).
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

    /// <summary>
    /// PostgreSQL: waits for any filing of the profile (the transaction's advisory lock), then reads the register's committed
    /// horizon: on a connection of its own, a SHARE lock on the register waits for every transaction still writing entries
    /// and holds new ones back for as long as it takes to read the newest id. Ids come from one sequence in the order they
    /// are taken, so every entry with a lower id has committed, and every later one gets a higher id.
    /// </summary>
    private async Task<long> PostgresHorizonAsync(ReportProfile profile, CancellationToken ct)
    {
        var name = profile.ToString();
        await db.Database.ExecuteSqlAsync($"SELECT pg_advisory_xact_lock(hashtext('lastcall.report_filing'), hashtext({name}))", ct);
        // The anti-join on the listed reports' entries below, planned on a ledger that looks empty, became a nested loop over a
        // sequential scan (50,000 entries took 70 s); a hash anti-join reads the ledger once.
        await db.Database.ExecuteSqlRawAsync("SET LOCAL enable_nestloop = off", ct);
        await using var horizon = await contexts.CreateDbContextAsync(ct);
        horizon.Database.SetCommandTimeout(TimeSpan.FromSeconds(settings.FilingTimeoutSeconds));
        await using var transaction = await horizon.Database.BeginTransactionAsync(ct);
        await horizon.Database.ExecuteSqlRawAsync("LOCK TABLE disconnections IN SHARE MODE", ct);
        var newest = await horizon.Disconnections.MaxAsync(d => (long?)d.Id, ct) ?? 0;
        await transaction.CommitAsync(ct);
        return newest;
    }

    /// <summary>The <c>FROM … WHERE</c> of the report's entries, and its parameters ({0}, {1}, … in the text).</summary>
    private sealed record Claim(string From, List<object> Parameters);

    /// <summary>
    /// The report's entries: reportable (LastCall's own disconnections, and legacy ones imported with --report), of the
    /// profile's numbers, up to the horizon and the month's last day, and in no earlier report of the profile — neither
    /// inside an earlier range nor listed by a report filed before ranges.
    /// </summary>
    private async Task<Claim> ClaimAsync(DisconnectionReport report, CancellationToken ct)
    {
        var earlier = await db.DisconnectionReports.AsNoTracking()
            .Where(r => r.Profile == report.Profile && r.Id != report.Id && r.ClaimedUpToId != null)
            .Select(r => new { r.ClaimedUpToId, r.Period })
            .ToListAsync(ct);
        List<object> parameters =
        [
            nameof(DisconnectionSource.Cancellation), nameof(DisconnectionSource.ReportableImport),
            report.Profile == ReportProfile.FccRnd ? "+1%" : "+%", report.ClaimedUpToId!.Value, report.LastDay, report.Profile.ToString(),
        ];
        var from = new StringBuilder("""
            FROM disconnections d
            WHERE d."Source" IN ({0}, {1}) AND d."Msisdn" LIKE {2} AND d."Id" <= {3} AND d."DisconnectedOn" <= {4}
              AND NOT EXISTS (SELECT 1 FROM report_filings f WHERE f."Profile" = {5} AND f."DisconnectionId" = d."Id")
            """);
        foreach (var range in earlier)
        {
            from.Append(CultureInfo.InvariantCulture, $"\n  AND NOT (d.\"Id\" <= {{{parameters.Count}}} AND d.\"DisconnectedOn\" <= {{{parameters.Count + 1}}})");
            parameters.Add(range.ClaimedUpToId!.Value);
            parameters.Add(ReportPeriod.LastDay(range.Period));
        }
        return new Claim(from.ToString(), parameters);
    }

    private sealed record WrittenFile(string Name, string Path, long Rows);

    /// <summary>One register entry as the report reads it.</summary>
    private sealed record Entry(long Id, string Msisdn, DateOnly DisconnectedOn, Guid? CancellationId);

    /// <summary>Streams the claimed entries, oldest first, into files of at most <see cref="ReportSettings.MaxRowsPerFile"/> rows.</summary>
    private async Task<List<WrittenFile>> WriteFilesAsync(DisconnectionReport report, Claim claim, int total, CancellationToken ct)
    {
        var parts = Math.Max(1, (total + settings.MaxRowsPerFile - 1) / settings.MaxRowsPerFile);
        var fcc = report.Profile == ReportProfile.FccRnd;
        IReadOnlyList<string> header = fcc
            ? parts > 1 ? ["company_id", "tn", "disconnect_date", "batch_id"] : ["company_id", "tn", "disconnect_date"]
            : ["msisdn", "disconnected_on", "cancellation_id"];
        var extension = DisconnectionReport.Describe(report.Format);
        var baseName = $"disconnections-{report.Period}-{DisconnectionReport.Describe(report.Profile)}";
        string NameOf(int part) => parts == 1 ? $"{baseName}.{extension}" : $"{baseName}-{part:D3}-of-{parts:D3}.{extension}";

#pragma warning disable EF1003 // As above: constant fragments, values as parameters.
        var entries = db.Database.SqlQueryRaw<Entry>(
                "SELECT d.\"Id\", d.\"Msisdn\", d.\"DisconnectedOn\", d.\"CancellationId\" " + claim.From + " ORDER BY d.\"DisconnectedOn\", d.\"Id\"", [.. claim.Parameters])
            .AsAsyncEnumerable();
#pragma warning restore EF1003

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
                    ? parts > 1 ? [settings.CompanyId, entry.Msisdn[2..], date, part.ToString(CultureInfo.InvariantCulture)] : [settings.CompanyId, entry.Msisdn[2..], date]
                    : [entry.Msisdn, date, entry.CancellationId?.ToString() ?? ""]);
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
