using LastCall.Data;
using LastCall.Features.Calls;
using LastCall.Features.Cancellations;
using LastCall.Features.Lines;
using LastCall.Hosting;
using LastCall.Security;
using LastCall.Web;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;

namespace LastCall.Pages.Staff.Calls;

/// <summary>
/// A caller's line in the call centre. Nothing of the line shows until the caller is verified in this
/// call (POST /api/v1/calls/{msisdn}/otp, then …/verify with the service password and the code, in
/// process); the line handlers themselves refuse an unverified agent (caller_not_verified). Afterwards
/// the line (ID number masked), its blockers, and an application for the caller (goes to review).
/// </summary>
public sealed class LineModel(
    GetLine get, Precheck precheck, SendCallerCode sendCode, VerifyCaller verify, SubmitCancellation submit,
    PolicySettings policies, AppDbContext db, TimeProvider clock) : PageModel
{
    public string Msisdn { get; private set; } = "";

    /// <summary>False until the caller is verified in this call: the page shows only the gate.</summary>
    public bool Verified { get; private set; }

    public bool CodeSent { get; private set; }

    public LineViews.LineDetail? Line { get; private set; }

    public Precheck.Response? Check { get; private set; }

    public IReadOnlyList<CancellationViews.Summary> Requests { get; private set; } = [];

    public UiProblem? Problem { get; private set; }

    public async Task<IActionResult> OnGetAsync(string msisdn, CancellationToken ct) => await LoadAsync(msisdn, ct);

    public async Task<IActionResult> OnPostSendCodeAsync(string msisdn, CancellationToken ct)
    {
        var sent = await sendCode.HandleAsync(msisdn, ct);
        CodeSent = sent.IsSuccess;
        var page = await LoadAsync(msisdn, ct);
        if (!sent.IsSuccess)
            Fail(new UiProblem(sent.Error!));
        return page;
    }

    public async Task<IActionResult> OnPostVerifyAsync(string msisdn, string? servicePassword, string? otp, CancellationToken ct)
    {
        var (_, problem) = HandlerResults.Read(await verify.HandleAsync(
            User, msisdn, new VerifyCaller.Request(servicePassword, otp?.Trim()), HttpContext.Connection.RemoteIpAddress?.ToString(), ct));
        if (problem is null)
            return Redirect("/staff/calls/" + Uri.EscapeDataString(msisdn));
        var page = await LoadAsync(msisdn, ct);
        Fail(problem);
        return page;
    }

    public async Task<IActionResult> OnPostApplyAsync(string msisdn, string? effective, bool acceptEarlyExitFee, CancellationToken ct)
    {
        var submitted = await submit.HandleAsync(User, new SubmitCancellation.Request(msisdn, effective, null, null, acceptEarlyExitFee), ct);
        if (submitted.IsSuccess)
            return Redirect($"/staff/requests/{submitted.Value.Id}?submitted=1");
        var page = await LoadAsync(msisdn, ct);
        Fail(new UiProblem(submitted.Error!));
        return page;
    }

    private void Fail(UiProblem problem)
    {
        Problem = problem;
        problem.ApplyTo(Response);
    }

    private async Task<IActionResult> LoadAsync(string msisdn, CancellationToken ct)
    {
        Msisdn = PortalInput.Msisdn(msisdn) ?? "";
        var (line, problem) = HandlerResults.Read(await get.HandleAsync(User, msisdn, ct));
        if (problem is { Code: "caller_not_verified" })
            return Page();
        if (problem is not null)
        {
            Fail(problem);
            return Page();
        }
        Verified = true;
        Line = line;
        (Check, _) = HandlerResults.Read(await precheck.HandleAsync(User, line!.Msisdn, ct));
        Requests = await RequestsAsync(line.Msisdn, ct);
        return Page();
    }

    private async Task<IReadOnlyList<CancellationViews.Summary>> RequestsAsync(string msisdn, CancellationToken ct)
    {
        // Only after the line handler let this agent in (caller verified in this call): the line's own
        // requests, each of which opens through GET …/cancellations/{id} under the same rule.
        var number = Domain.Common.Msisdn.Create(msisdn).Value;
        var today = policies.Today(clock.GetUtcNow());
        var requests = await db.CancellationRequests.AsNoTracking().Where(r => r.Msisdn == number).OrderByDescending(r => r.SubmittedAt).Take(5).ToListAsync(ct);
        return [.. requests.Select(r => CancellationViews.ToSummary(r, today))];
    }
}
