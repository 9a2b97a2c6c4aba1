using LastCall.Data;
using LastCall.Domain.Cancellations;
using LastCall.Domain.Common;
using LastCall.Features.Cancellations;
using LastCall.Features.Lines;
using LastCall.Features.Porting;
using LastCall.Hosting;
using LastCall.Security;
using LastCall.Web;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;

namespace LastCall.Pages.Portal.Lines;

/// <summary>
/// A line of mine: balance, arrears, contract, eSIM profiles and companion devices (GET /api/v1/lines/{msisdn} in process), my
/// requests for it, and the two things only its holder asks for: partners dropping the previous holder's accounts, and a
/// port-out authorization code to move the number to another operator.
/// </summary>
public sealed class DetailModel(
    GetLine get, GetPreviousHolderUnbinding getPreviousHolder, AskPreviousHolderUnbinding askPreviousHolder, RequestPortAuthorization requestPortAuthorization,
    AppDbContext db, PolicySettings policies, TimeProvider clock) : PageModel
{
    public LineViews.LineDetail? Line { get; private set; }

    /// <summary>My request to partners to drop the previous holder's accounts, when I made one.</summary>
    public PreviousHolderUnbindings.View? PreviousHolder { get; private set; }

    /// <summary>Why asking partners failed, when it did.</summary>
    public UiProblem? Problem { get; private set; }

    /// <summary>Why the port-out code could not be sent, when it could not.</summary>
    public UiProblem? PortProblem { get; private set; }

    public IReadOnlyList<CancellationViews.Summary> Requests { get; private set; } = [];

    /// <summary>A Portal text key shown after an action that came back here.</summary>
    public string? Notice { get; private set; }

    public async Task<IActionResult> OnGetAsync(string msisdn, string? done, CancellationToken ct)
    {
        var (line, problem) = HandlerResults.Read(await get.HandleAsync(User, msisdn, ct));
        if (problem is not null)
            return NotFound();
        Line = line;
        Notice = done switch
        {
            "suspended" => "notice_suspended", "resumed" => "notice_resumed", "withdrawn" => "notice_withdrawn",
            "previous_holder_asked" => "notice_previous_holder_asked", "port_code_sent" => "notice_port_code_sent", _ => null,
        };
        PreviousHolder = HandlerResults.Read(await getPreviousHolder.HandleAsync(User, msisdn, ct)).Value;
        // My own requests for this number, newest first (the customer filter is the access rule).
        var customerId = User.SubjectId();
        var number = Msisdn.Parse(line!.Msisdn);
        var requests = await db.CancellationRequests.AsNoTracking()
            .Where(r => r.CustomerId == customerId && r.Msisdn == number)
            .ToListAsync(ct);
        var today = policies.Today(clock.GetUtcNow());
        Requests = [.. requests.OrderByDescending(r => r.SubmittedAt).Select(r => CancellationViews.ToSummary(r, today))];
        return Page();
    }

    /// <summary>The "ask apps to drop the previous holder's accounts" button; back to this page with a notice.</summary>
    public async Task<IActionResult> OnPostPreviousHolderUnbindingAsync(string msisdn, CancellationToken ct)
    {
        var (_, problem) = HandlerResults.Read(await askPreviousHolder.HandleAsync(User, msisdn, ct));
        if (problem is null)
            return RedirectToPage(new { msisdn, done = "previous_holder_asked" });
        var page = await OnGetAsync(msisdn, null, ct);
        Problem = problem;
        problem.ApplyTo(Response);
        return page;
    }

    /// <summary>The "text me a port-out code" button: the code goes to the line by SMS only; back here with a notice.</summary>
    public async Task<IActionResult> OnPostPortAuthorizationAsync(string msisdn, CancellationToken ct)
    {
        var (_, problem) = HandlerResults.Read(await requestPortAuthorization.HandleAsync(User, msisdn, ct));
        if (problem is null)
            return RedirectToPage(new { msisdn, done = "port_code_sent" });
        var page = await OnGetAsync(msisdn, null, ct);
        PortProblem = problem;
        problem.ApplyTo(Response);
        return page;
    }
}
