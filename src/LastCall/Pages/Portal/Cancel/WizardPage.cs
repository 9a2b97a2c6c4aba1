using System.Globalization;
using LastCall.Domain.Cancellations;
using LastCall.Features.Cancellations;
using LastCall.Hosting;
using LastCall.Web;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace LastCall.Pages.Portal.Cancel;

/// <summary>
/// A step of the cancellation wizard. Each step asks the precheck again (GET /api/v1/lines/{msisdn}/precheck
/// in process), so the blockers, warnings and alternatives shown are always current; the rules stay in the handlers.
/// When the only blocker is the contract commitment and the operator allows ending it early, the precheck offers to
/// accept the early-exit fee; the acceptance (<c>fee=accepted</c>) travels with every later step to the submit.
/// </summary>
public abstract class WizardPage(Features.Cancellations.Precheck precheck, PolicySettings policies) : PageModel
{
    public Precheck.Response? Precheck { get; private set; }

    public string Msisdn => Precheck?.Msisdn ?? "";

    public string LinePath => "/portal/lines/" + Uri.EscapeDataString(Msisdn);

    public string CancelPath => LinePath + "/cancel";

    /// <summary><c>accepted</c> once the customer ticked the early-exit fee on the precheck step.</summary>
    [BindProperty(SupportsGet = true, Name = "fee")]
    public string? Fee { get; set; }

    /// <summary>The contract commitment, when it is the only blocker and may be ended early for its fee; otherwise null.</summary>
    public FindingTexts.Blocker? EarlyExitOffer =>
        Precheck is { Blockers: [{ Code: EligibilityCodes.ContractCommitment } only] } && only.Facts.GetValueOrDefault("earlyExitAllowed") == "true" ? only : null;

    public decimal EarlyExitFee => EarlyExitOffer?.Facts.GetValueOrDefault("earlyExitFee") is { } fee ? decimal.Parse(fee, CultureInfo.InvariantCulture) : 0m;

    public string EarlyExitFeeText => PageFormat.Money(EarlyExitFee, EarlyExitOffer?.Facts.GetValueOrDefault("currency") ?? policies.Currency);

    /// <summary>The customer accepted the fee and it is still the only thing in the way.</summary>
    public bool FeeAccepted => Fee == "accepted" && EarlyExitOffer is not null;

    /// <summary>The wizard may go on: nothing blocks, or only the contract whose fee was accepted.</summary>
    public bool MayContinue => Precheck is { Eligible: true } || FeeAccepted;

    /// <summary>The path of a later step, carrying the fee's acceptance.</summary>
    public string StepPath(string step) => CancelPath + "/" + step + (FeeAccepted ? "?fee=accepted" : "");

    /// <summary>The precheck as the later steps show it: without the contract blocker once its fee is accepted.</summary>
    public Precheck.Response ShownPrecheck => FeeAccepted ? Precheck! with { Blockers = [] } : Precheck!;

    protected PolicySettings Policies => policies;

    /// <summary>False when the line is not mine (the page answers 404).</summary>
    protected async Task<bool> LoadAsync(string msisdn, CancellationToken ct)
    {
        var found = await precheck.HandleAsync(User, msisdn, ct);
        Precheck = found.IsSuccess ? found.Value : null;
        return found.IsSuccess;
    }
}
