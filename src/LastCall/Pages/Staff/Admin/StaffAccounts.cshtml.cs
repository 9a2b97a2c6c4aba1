using LastCall.Domain.Identity;
using LastCall.Features.Admin;
using LastCall.Web;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace LastCall.Pages.Staff.Admin;

/// <summary>Staff accounts: the list and a new account (GET and POST /api/v1/admin/staff in process; the password is only hashed).</summary>
public sealed class StaffAccountsModel(CreateStaff create) : PageModel
{
    public IReadOnlyList<CreateStaff.Response> Staff { get; private set; } = [];

    public UiProblem? Problem { get; private set; }

    public string? Created { get; private set; }

    public string? Username { get; private set; }

    public string? StoreId { get; private set; }

    public IReadOnlyList<string> Roles { get; private set; } = [];

    public static IReadOnlyList<string> AllRoles => StaffRoles.All;

    public async Task OnGetAsync(string? created, CancellationToken ct)
    {
        Created = created;
        Staff = await create.ListAsync(ct);
    }

    public async Task<IActionResult> OnPostAsync(string? username, string? password, string[]? roles, string? storeId, CancellationToken ct)
    {
        var (staff, problem) = HandlerResults.Read(await create.HandleAsync(new CreateStaff.Request(username, password, roles ?? [], storeId), ct));
        if (problem is null)
            return Redirect("/staff/admin/staff?created=" + Uri.EscapeDataString(staff!.Username));
        Problem = problem;
        Username = username;
        StoreId = storeId;
        Roles = roles ?? [];
        problem.ApplyTo(Response);
        Staff = await create.ListAsync(ct);
        return Page();
    }
}
