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
public sealed class IndexModel(AppDbContext db, RetryCancellation retry, PolicySettings policies, TimeProvider clock) : PageModel
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
        var retried = await retry.HandleAsync(User, id, ct);
        if (retried.IsSuccess)
            return Redirect("/staff/supervision?retried=1");
        Problem = new UiProblem(retried.Error!);
        Problem.ApplyTo(Response);
        Data = await new SupervisorDashboard(db, policies, clock).ComputeAsync(ct);
        return Page();
    }
}
