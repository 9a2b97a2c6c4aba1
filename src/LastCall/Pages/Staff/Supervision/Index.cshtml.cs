using LastCall.Auditing;
using LastCall.Data;
using LastCall.Features.Cancellations;
using LastCall.Features.Recycling;
using LastCall.Features.Supervision;
using LastCall.Hosting;
using LastCall.Web;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace LastCall.Pages.Staff.Supervision;

/// <summary>The supervisor dashboard: charts with their data tables, and failed executions with a retry (POST …/retry in process).</summary>
public sealed class IndexModel(AppDbContext db, RetryCancellation retry, ListUnacknowledgedRecyclingNotices recycling, RecyclingSettings recyclingSettings,
    PolicySettings policies, TimeProvider clock) : PageModel
{
    public SupervisorDashboard.Result Data { get; private set; } = null!;

    /// <summary>Partners whose recycling acknowledgements are overdue.</summary>
    public ListUnacknowledgedRecyclingNotices.Response RecyclingOverdue { get; private set; } = null!;

    public int RecyclingAckWorkingDays => recyclingSettings.RecyclingAckWorkingDays;

    public UiProblem? Problem { get; private set; }

    public string? Notice { get; private set; }

    public int SlaWorkingDays => policies.ReviewSlaWorkingDays;

    public async Task OnGetAsync(string? retried, CancellationToken ct)
    {
        Notice = retried == "1" ? "dashboard_retried" : null;
        await LoadAsync(ct);
    }

    private async Task LoadAsync(CancellationToken ct)
    {
        Data = await new SupervisorDashboard(db, policies, clock).ComputeAsync(ct);
        RecyclingOverdue = (await recycling.HandleAsync(overdueOnly: true, ct)).Value;
    }

    public async Task<IActionResult> OnPostRetryAsync(Guid id, CancellationToken ct)
    {
        var retried = await retry.HandleAsync(User, id, ct);
        if (retried.IsSuccess)
            return Redirect("/staff/supervision?retried=1");
        Problem = new UiProblem(retried.Error!);
        Problem.ApplyTo(Response);
        await LoadAsync(ct);
        return Page();
    }
}
