using LastCall.Domain.Common;
using LastCall.Features.Lines;
using LastCall.Web;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace LastCall.Pages.Portal.Lines;

/// <summary>"This line is not mine": confirm, then POST /api/v1/lines/{msisdn}/flag in process (fraud hold, fraud desk told).</summary>
public sealed class FlagModel(LineAccess access, FlagLine flag) : PageModel
{
    public string? Msisdn { get; private set; }

    public bool Flagged { get; private set; }

    public UiProblem? Problem { get; private set; }

    public async Task<IActionResult> OnGetAsync(string msisdn, CancellationToken ct)
    {
        var (line, _) = await access.FindAsync(User, msisdn, tracked: false, ct);
        if (line is null)
            return NotFound();
        Msisdn = line.Msisdn.Value;
        Flagged = line.FraudHold;
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(string msisdn, CancellationToken ct)
    {
        Msisdn = msisdn;
        var (done, problem) = HandlerResults.Read(await flag.HandleAsync(User, msisdn, ct));
        if (problem?.Kind == ErrorKind.NotFound)
            return NotFound();
        Problem = problem;
        Flagged = done?.FraudHold == true;
        return Page();
    }
}
