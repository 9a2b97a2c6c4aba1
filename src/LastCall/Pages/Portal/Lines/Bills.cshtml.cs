using LastCall.Domain.Common;
using LastCall.Features.Lines;
using LastCall.Web;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace LastCall.Pages.Portal.Lines;

/// <summary>
/// A line's bills, newest first, as the billing system keeps them (GET /api/v1/lines/{msisdn}/bills in process).
/// The billing system being down (503 <c>billing_unavailable</c>) shows a friendly message with the code, not an error page.
/// </summary>
public sealed class BillsModel(ListBills list) : PageModel
{
    public string? Msisdn { get; private set; }

    public ListBills.Response? Bills { get; private set; }

    public UiProblem? Problem { get; private set; }

    /// <summary>The problem's text: the portal's own wording for billing failures, else the shared one.</summary>
    public string ProblemMessage => Problem is null ? "" : UiText.Portal.Find("bills_error_" + Problem.Code) ?? Problem.Message;

    public async Task<IActionResult> OnGetAsync(string msisdn, CancellationToken ct)
    {
        var (bills, problem) = HandlerResults.Read(await list.HandleAsync(User, msisdn, ct));
        // Not my line: 404 as for every page of a line; the billing system's own 404 (no account) is shown.
        if (problem is { Kind: ErrorKind.NotFound or ErrorKind.Forbidden, Code: not "billing_account_not_found" })
            return NotFound();
        Msisdn = bills?.Msisdn ?? PortalInput.Msisdn(msisdn);
        Bills = bills;
        Problem = problem;
        if (problem is not null)
            problem.ApplyTo(Response);
        return Page();
    }
}
