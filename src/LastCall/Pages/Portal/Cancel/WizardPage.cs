using LastCall.Auditing;
using LastCall.Features.Cancellations;
using LastCall.Features.Lines;
using LastCall.Hosting;
using LastCall.Web;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace LastCall.Pages.Portal.Cancel;

/// <summary>
/// A step of the cancellation wizard. Each step asks the precheck again (GET /api/v1/lines/{msisdn}/precheck
/// in process), so the blockers, warnings and alternatives shown are always current; the rules stay in the handlers.
/// </summary>
public abstract class WizardPage(LineAccess access, EligibilityCheck check, PolicySettings policies, AuditTrail audit) : PageModel
{
    public Precheck.Response? Precheck { get; private set; }

    public string Msisdn => Precheck?.Msisdn ?? "";

    public string LinePath => "/portal/lines/" + Uri.EscapeDataString(Msisdn);

    public string CancelPath => LinePath + "/cancel";

    protected PolicySettings Policies => policies;

    protected LineAccess Access => access;

    protected EligibilityCheck Check => check;

    protected AuditTrail Audit => audit;

    /// <summary>False when the line is not mine (the page answers 404).</summary>
    protected async Task<bool> LoadAsync(string msisdn, CancellationToken ct)
    {
        var (precheck, problem) = HandlerResults.Read<Precheck.Response>(
            (await Features.Cancellations.Precheck.HandleAsync(msisdn, access, check, policies, audit, HttpContext, ct)).Result);
        Precheck = precheck;
        return problem is null;
    }
}
