using LastCall.Domain.Common;
using LastCall.Features.Suspensions;
using LastCall.Hosting;
using LastCall.Web;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace LastCall.Pages.Portal.Lines;

/// <summary>Suspension with number retention and resume: the suspension endpoints (GET, POST, DELETE) in process.</summary>
public sealed class SuspensionModel(SuspendLine suspend, ResumeLine resume, GetSuspension get, PolicySettings policies) : PageModel
{
    public string? Msisdn { get; private set; }

    public SuspendLine.Response? Running { get; private set; }

    public decimal MonthlyFee => policies.SuspensionMonthlyFee;

    public int MaxMonths => policies.SuspensionMaxMonths;

    public string Currency => policies.Currency;

    public UiProblem? Problem { get; private set; }

    public IReadOnlyList<string> Blockers { get; private set; } = [];

    public async Task<IActionResult> OnGetAsync(string msisdn, CancellationToken ct) =>
        await ShowAsync(msisdn, ct) ? Page() : NotFound();

    public async Task<IActionResult> OnPostSuspendAsync(string msisdn, CancellationToken ct)
    {
        var (_, problem) = HandlerResults.Read(await suspend.HandleAsync(User, msisdn, ct));
        if (problem is null)
            return Redirect($"/portal/lines/{Uri.EscapeDataString(msisdn)}?done=suspended");
        return await FailAsync(msisdn, problem, ct);
    }

    public async Task<IActionResult> OnPostResumeAsync(string msisdn, CancellationToken ct)
    {
        var (_, problem) = HandlerResults.Read(await resume.HandleAsync(User, msisdn, ct));
        if (problem is null)
            return Redirect($"/portal/lines/{Uri.EscapeDataString(msisdn)}?done=resumed");
        return await FailAsync(msisdn, problem, ct);
    }

    private async Task<IActionResult> FailAsync(string msisdn, UiProblem problem, CancellationToken ct)
    {
        if (problem.Kind == ErrorKind.NotFound || !await ShowAsync(msisdn, ct))
            return NotFound();
        Problem = problem;
        Blockers = [.. problem.Blockers.Select(b => b.Code)];
        problem.ApplyTo(Response);
        return Page();
    }

    private async Task<bool> ShowAsync(string msisdn, CancellationToken ct)
    {
        var (running, problem) = HandlerResults.Read(await get.HandleAsync(User, msisdn, ct));
        if (problem is { Code: not "not_suspended" })
            return false;
        Msisdn = PortalInput.Msisdn(msisdn);
        Running = running;
        return true;
    }
}
