using LastCall.Features.Supervision;
using LastCall.Web;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace LastCall.Pages.Staff.Supervision;

/// <summary>The audit trail of a line for supervisors and admins: newest first, paged; each read is audited.</summary>
public sealed class AuditModel(LineAuditTrail read) : PageModel
{
    public string? Msisdn { get; private set; }

    public LineAuditTrail.ResultPage? Trail { get; private set; }

    public UiProblem? Problem { get; private set; }

    public async Task OnGetAsync(string? msisdn, int page, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(msisdn))
            return;
        Msisdn = PortalInput.Msisdn(msisdn);
        var (trail, problem) = HandlerResults.Read(await read.HandleAsync(Msisdn, page, ct));
        Trail = trail;
        if (problem is not null)
        {
            Problem = problem;
            problem.ApplyTo(Response);
        }
    }
}
