using LastCall.Data;
using LastCall.Domain.Common;
using LastCall.Domain.Reports;
using Microsoft.EntityFrameworkCore;

namespace LastCall.Features.Reports;

/// <summary>
/// GET /api/v1/admin/reports/disconnections/{id}/files/{name}: a file of a filed report, the same bytes as filed (its
/// SHA-256 is in the report), for the API and the staff console's download link.
/// </summary>
public sealed class DownloadReportFile(AppDbContext db, ReportStore store)
{
    public sealed record Download(string Name, string ContentType, string Sha256, Stream Content);

    public async Task<Result<Download>> HandleAsync(Guid id, string name, CancellationToken ct)
    {
        var report = await db.DisconnectionReports.AsNoTracking().FirstOrDefaultAsync(r => r.Id == id, ct);
        if (report?.Files.FirstOrDefault(f => f.Name == name) is not { } file)
            return Fail.NotFound("not_found", "No such report file.");
        var type = report.Format == ReportFormat.Xlsx ? "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" : "text/csv; charset=utf-8";
        return new Download(file.Name, type, file.Sha256, store.Open(report.Id, file.Name));
    }
}
