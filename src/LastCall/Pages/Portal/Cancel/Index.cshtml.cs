using LastCall.Auditing;
using LastCall.Data;
using LastCall.Features.Cancellations;
using LastCall.Features.Lines;
using LastCall.Hosting;
using Microsoft.AspNetCore.Mvc;

namespace LastCall.Pages.Portal.Cancel;

/// <summary>Step 1: may the line be cancelled now? Every blocker with its fix, and the warnings.</summary>
public sealed class IndexModel(Precheck precheck, PolicySettings policies)
    : WizardPage(precheck, policies)
{
    public async Task<IActionResult> OnGetAsync(string msisdn, CancellationToken ct) => await LoadAsync(msisdn, ct) ? Page() : NotFound();
}
