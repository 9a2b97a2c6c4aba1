using LastCall.Domain.Identity;
using LastCall.Features.Admin;
using LastCall.Web;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace LastCall.Pages.Staff.Admin;

/// <summary>
/// Partners and their API keys (the /api/v1/admin/partners handlers in process): create a partner (or a BSS client),
/// issue another key, revoke one. A new key is shown once, on the response to the POST that made it,
/// and never again (only its prefix is kept in the list).
/// </summary>
public sealed class PartnersModel(CreatePartner create, ListPartners list, IssuePartnerKey issue, RevokePartnerKey revoke) : PageModel
{
    public IReadOnlyList<ManagePartners.PartnerView> Partners { get; private set; } = [];

    public ManagePartners.Created? NewKey { get; private set; }

    public UiProblem? Problem { get; private set; }

    public string? Revoked { get; private set; }

    public async Task OnGetAsync(string? revoked, CancellationToken ct)
    {
        Revoked = revoked;
        await LoadAsync(ct);
    }

    /// <summary>
    /// <paramref name="bss"/>: a BSS client (the operator's CRM), whose keys reach only the TM Forum APIs; <paramref name="porting"/>: another
    /// operator's porting system, whose keys reach only the port-out routes.
    /// </summary>
    public async Task<IActionResult> OnPostCreateAsync(string? name, bool bss, bool porting, CancellationToken ct) =>
        await ShowAsync(await create.HandleAsync(new ManagePartners.CreateRequest(name, [.. bss ? [PartnerScopes.Bss] : Array.Empty<string>(), .. porting ? [PartnerScopes.Porting] : Array.Empty<string>()]), ct), ct);

    public async Task<IActionResult> OnPostKeyAsync(Guid id, CancellationToken ct) =>
        await ShowAsync(await issue.HandleAsync(id, ct), ct);

    public async Task<IActionResult> OnPostRevokeAsync(Guid id, Guid keyId, CancellationToken ct)
    {
        var (key, problem) = HandlerResults.Read(await revoke.HandleAsync(id, keyId, ct));
        if (problem is null)
            return Redirect("/staff/admin/partners?revoked=" + Uri.EscapeDataString(key!.Prefix));
        return await FailAsync(problem, ct);
    }

    private async Task<IActionResult> ShowAsync(Domain.Common.Result<ManagePartners.Created> result, CancellationToken ct)
    {
        var (created, problem) = HandlerResults.Read(result);
        if (problem is not null)
            return await FailAsync(problem, ct);
        // Shown on this response only; the page is not cached.
        NewKey = created;
        Response.Headers.CacheControl = "no-store";
        await LoadAsync(ct);
        return Page();
    }

    private async Task<IActionResult> FailAsync(UiProblem problem, CancellationToken ct)
    {
        Problem = problem;
        problem.ApplyTo(Response);
        await LoadAsync(ct);
        return Page();
    }

    private async Task LoadAsync(CancellationToken ct) => Partners = await list.HandleAsync(ct);
}
