using LastCall.Data;
using Microsoft.EntityFrameworkCore;

namespace LastCall.Features.Reports;

/// <summary>GET /api/v1/admin/reports/disconnections: the filed reports, newest first (admin, supervisor; the staff console's report page).</summary>
public sealed class ListDisconnectionReports(AppDbContext db)
{
    public async Task<List<FileDisconnectionReport.Response>> HandleAsync(CancellationToken ct)
    {
        var reports = await db.DisconnectionReports.AsNoTracking().OrderByDescending(r => r.CreatedAt).ToListAsync(ct);
        return [.. reports.Select(FileDisconnectionReport.Response.From)];
    }
}
