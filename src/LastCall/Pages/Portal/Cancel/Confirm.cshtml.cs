using LastCall.Auditing;
using LastCall.Data;
using LastCall.Domain.Billing;
using LastCall.Domain.Cancellations;
using LastCall.Domain.Common;
using LastCall.Features.Cancellations;
using LastCall.Features.Lines;
using LastCall.Hosting;
using LastCall.Security;
using LastCall.Web;
using Microsoft.AspNetCore.Mvc;

namespace LastCall.Pages.Portal.Cancel;

/// <summary>
/// Step 5: what will happen and when (the cooling-off after approval, an accepted early-exit fee billed with the final
/// bill), then POST /api/v1/cancellations in process; on success the status page.
/// </summary>
public sealed class ConfirmModel(
    Precheck precheck, PolicySettings policies, SubmitCancellation submit,
    LastCallSettings settings, TimeProvider clock) : WizardPage(precheck, policies)
{
    public Guid? DocumentId { get; private set; }

    public string Effective { get; private set; } = "immediate";

    public DateOnly Today => Policies.Today(clock.GetUtcNow());

    public DateOnly EndOfCycle => BillingCycle.EndOf(Today);

    public int ReviewDays => Policies.ReviewSlaWorkingDays;

    public int QuarantineDays => settings.Quarantine.Days;

    public double CoolingOffHours => Policies.CoolingOff.TotalHours;

    public UiProblem? Problem { get; private set; }

    public async Task<IActionResult> OnGetAsync(string msisdn, Guid? document, CancellationToken ct)
    {
        if (!await LoadAsync(msisdn, ct))
            return NotFound();
        if (document is null)
            return Redirect(StepPath("document"));
        DocumentId = document;
        Effective = CancellationViews.Effective(Policies.DefaultEffective);
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(string msisdn, Guid? document, string? effective, CancellationToken ct)
    {
        if (!await LoadAsync(msisdn, ct))
            return NotFound();
        // The fee only when the customer ticked it on the precheck and the contract is still the only thing in the way.
        var request = new SubmitCancellation.Request(PortalInput.Msisdn(msisdn), effective, document is null ? null : [document.Value], null, AcceptEarlyExitFee: FeeAccepted);
        var submitted = await submit.HandleAsync(User, request, ct);
        if (submitted.IsSuccess)
            return Redirect($"/portal/cancellations/{submitted.Value.Id}?submitted=1");
        var problem = new UiProblem(submitted.Error!);
        if (problem.Kind == ErrorKind.NotFound || !await LoadAsync(msisdn, ct))
            return NotFound();
        DocumentId = document;
        Effective = effective ?? "immediate";
        Problem = problem;
        problem.ApplyTo(Response);
        return Page();
    }
}
