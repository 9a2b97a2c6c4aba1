using LastCall.Auditing;
using LastCall.Data;
using LastCall.Features.Cancellations;
using LastCall.Features.Lines;
using LastCall.Hosting;
using Microsoft.AspNetCore.Mvc;

namespace LastCall.Pages.Portal.Cancel;

/// <summary>Step 2: the alternatives with their cost: suspension with number retention, transfer to someone else.</summary>
public sealed class AlternativesModel(Precheck precheck, PolicySettings policies)
    : WizardPage(precheck, policies)
{
    public async Task<IActionResult> OnGetAsync(string msisdn, CancellationToken ct) => await LoadAsync(msisdn, ct) ? Page() : NotFound();
}
