using LastCall.Features.Cancellations;
using LastCall.Features.Lines;
using LastCall.Features.Suspensions;
using LastCall.Security;
using LastCall.Web;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace LastCall.Pages.Staff.Counter;

/// <summary>
/// A line at the store counter: the line and its owner (ID masked), every blocker (precheck), the
/// requests of the line, and what a clerk does on the spot after checking the ID card in person:
/// cancel (POST /api/v1/cancellations with identityCheck in_person_id), lift an account lock,
/// suspend or resume. All through the API handlers in process; the store is the clerk's own (from
/// the session), never taken from the form.
/// </summary>
public sealed class LineModel(
    GetLine get, Precheck precheck, ListCancellations list,
    SubmitCancellation submit, UnlockAccountInPerson unlock, SuspendLine suspend, ResumeLine resume) : PageModel
{
    public LineViews.LineDetail? Line { get; private set; }

    public Precheck.Response? Check { get; private set; }

    public IReadOnlyList<CancellationViews.Summary> Requests { get; private set; } = [];

    public UiProblem? Problem { get; private set; }

    public string? Notice { get; private set; }

    public string? IdNumber { get; private set; }

    public async Task<IActionResult> OnGetAsync(string msisdn, string? done, CancellationToken ct)
    {
        Notice = done is "unlocked" or "suspended" or "resumed" ? "counter_done_" + done : null;
        return await LoadAsync(msisdn, ct);
    }

    public async Task<IActionResult> OnPostCancelAsync(string msisdn, string? idNumber, string? effective, bool acceptEarlyExitFee, CancellationToken ct)
    {
        var request = new SubmitCancellation.Request(PortalInput.Msisdn(msisdn), effective, null,
            new SubmitCancellation.IdentityCheck("in_person_id", null, idNumber?.Trim()), acceptEarlyExitFee);
        var submitted = await submit.HandleAsync(User, request, ct);
        if (submitted.IsSuccess)
            return Redirect($"/staff/requests/{submitted.Value.Id}?submitted=1");
        IdNumber = idNumber;
        return await ShowAsync(msisdn, new UiProblem(submitted.Error!), ct);
    }

    public async Task<IActionResult> OnPostUnlockAsync(string msisdn, string? idNumber, CancellationToken ct)
    {
        var (_, problem) = HandlerResults.Read(await unlock.HandleAsync(User, msisdn, new UnlockAccountInPerson.Request(null, idNumber?.Trim()), ct));
        return problem is null ? Done(msisdn, "unlocked") : await ShowAsync(msisdn, problem, ct);
    }

    public async Task<IActionResult> OnPostSuspendAsync(string msisdn, CancellationToken ct)
    {
        var (_, problem) = HandlerResults.Read(await suspend.HandleAsync(User, msisdn, ct));
        return problem is null ? Done(msisdn, "suspended") : await ShowAsync(msisdn, problem, ct);
    }

    public async Task<IActionResult> OnPostResumeAsync(string msisdn, CancellationToken ct)
    {
        var (_, problem) = HandlerResults.Read(await resume.HandleAsync(User, msisdn, ct));
        return problem is null ? Done(msisdn, "resumed") : await ShowAsync(msisdn, problem, ct);
    }

    private RedirectResult Done(string msisdn, string what) => Redirect($"/staff/counter/{Uri.EscapeDataString(msisdn)}?done={what}");

    private async Task<IActionResult> ShowAsync(string msisdn, UiProblem problem, CancellationToken ct)
    {
        var page = await LoadAsync(msisdn, ct);
        if (page is not PageResult)
            return page;
        Problem = problem;
        problem.ApplyTo(Response);
        return page;
    }

    private async Task<IActionResult> LoadAsync(string msisdn, CancellationToken ct)
    {
        var (line, problem) = HandlerResults.Read(await get.HandleAsync(User, msisdn, ct));
        if (problem is not null)
        {
            Problem = problem;
            problem.ApplyTo(Response);
            return Page();
        }
        Line = line;
        (Check, _) = HandlerResults.Read(await precheck.HandleAsync(User, line!.Msisdn, ct));
        var (requests, _) = HandlerResults.Read(await list.HandleAsync(User, new ListCancellations.Filter(Msisdn: line.Msisdn, PageSize: 10), ct));
        Requests = requests?.Items ?? [];
        return Page();
    }
}
