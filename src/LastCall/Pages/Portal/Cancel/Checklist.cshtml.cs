using LastCall.Auditing;
using LastCall.Data;
using LastCall.Domain.Common;
using LastCall.Features.Cancellations;
using LastCall.Features.Lines;
using LastCall.Hosting;
using LastCall.Web;
using Microsoft.AspNetCore.Mvc;

namespace LastCall.Pages.Portal.Cancel;

/// <summary>Step 3: what to do before leaving (contacts and data, the last bills, apps and banks that use the number); every item ticked to go on.</summary>
public sealed class ChecklistModel(Precheck precheck, PolicySettings policies)
    : WizardPage(precheck, policies)
{
    public static readonly string[] Items = ["backup", "bills", "apps"];

    public IReadOnlyList<string> Done { get; private set; } = [];

    public UiProblem? Problem { get; private set; }

    public async Task<IActionResult> OnGetAsync(string msisdn, CancellationToken ct) => await LoadAsync(msisdn, ct) ? Page() : NotFound();

    public async Task<IActionResult> OnPostAsync(string msisdn, string[]? done, CancellationToken ct)
    {
        if (!await LoadAsync(msisdn, ct))
            return NotFound();
        Done = done ?? [];
        if (Items.All(Done.Contains))
            return Redirect(StepPath("document"));
        Problem = new UiProblem(Fail.Validation("checklist_incomplete", "Tick every item."));
        return Page();
    }
}
