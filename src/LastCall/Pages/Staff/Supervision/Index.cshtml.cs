using LastCall.Auditing;
using LastCall.Data;
using LastCall.Features.Cancellations;
using LastCall.Features.Supervision;
using LastCall.Hosting;
using LastCall.Web;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace LastCall.Pages.Staff.Supervision;

/// <summary>The supervisor dashboard: charts with their data tables, and failed executions with a retry (POST …/retry in process).</summary>
public sealed class IndexModel(AppDbContext db, CancellationAccess access, AuditTrail audit, PolicySettings policies, TimeProvider clock) : PageModel
{
    public SupervisorDashboard.Result Data { get; private set; } = null!;

    public UiProblem? Problem { get; private set; }

    public string? Notice { get; private set; }

    public int SlaWorkingDays => policies.ReviewSlaWorkingDays;

    public async Task OnGetAsync(string? retried, CancellationToken ct)
    {
        Notice = retried == "1" ? "dashboard_retried" : null;
        Data = await new SupervisorDashboard(db, policies, clock).ComputeAsync(ct);
    }

    public async Task<IActionResult> OnPostRetryAsync(Guid id, CancellationToken ct)
    {
        var (_, problem) = HandlerResults.Read<CancellationViews.Detail>(await RetryCancellation.HandleAsync(id, access, audit, db, policies, clock, HttpContext, ct));
        if (problem is null)
            return Redirect("/staff/supervision?retried=1");
        db.ChangeTracker.Clear();
        Problem = problem;
        Response.StatusCode = problem.Status;
        Data = await new SupervisorDashboard(db, policies, clock).ComputeAsync(ct);
        return Page();
    }
}
