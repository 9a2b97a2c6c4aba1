using LastCall.Auditing;
using LastCall.Features.Reports;
using LastCall.Hosting;
using LastCall.Web;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace LastCall.Pages.Staff.Supervision;

/// <summary>
/// Regulator reports (supervisors and admins): the filed reports with their files to download, and filing the next
/// month. The same handlers as POST/GET /api/v1/admin/reports/disconnections.
/// </summary>
public sealed class ReportsModel(ListDisconnectionReports list, FileDisconnectionReport file, DownloadReportFile download, PolicySettings policies, TimeProvider clock) : PageModel
{
    public IReadOnlyList<FileDisconnectionReport.Response> Reports { get; private set; } = [];

    public UiProblem? Problem { get; private set; }

    public Guid? Filed { get; private set; }

    /// <summary>The month the form proposes: the previous one in the operator's calendar (the running month is rarely what a regulator wants).</summary>
    public string Period { get; private set; } = "";

    public string Profile { get; private set; } = "generic";

    public string Format { get; private set; } = "csv";

    public async Task OnGetAsync(Guid? filed, CancellationToken ct)
    {
        Filed = filed;
        Period = policies.Today(clock.GetUtcNow()).AddMonths(-1).ToString("yyyy-MM", System.Globalization.CultureInfo.InvariantCulture);
        Reports = await list.HandleAsync(ct);
    }

    public async Task<IActionResult> OnPostAsync(string? period, string? profile, string? format, CancellationToken ct)
    {
        var result = await file.HandleAsync(new FileDisconnectionReport.Request(period?.Trim(), profile, format), CurrentActor.Describe(User), ct);
        if (result.IsSuccess)
            return Redirect($"/staff/supervision/reports?filed={result.Value.Id}");
        Problem = new UiProblem(result.Error!);
        Problem.ApplyTo(Response);
        (Period, Profile, Format) = (period ?? "", profile ?? "generic", format ?? "csv");
        Reports = await list.HandleAsync(ct);
        return Page();
    }

    public async Task<IActionResult> OnGetFileAsync(Guid id, string name, CancellationToken ct)
    {
        var found = await download.HandleAsync(id, name, ct);
        return found.IsSuccess ? File(found.Value.Content, found.Value.ContentType, found.Value.Name) : NotFound();
    }
}
