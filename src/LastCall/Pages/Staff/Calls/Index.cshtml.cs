using LastCall.Web;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace LastCall.Pages.Staff.Calls;

/// <summary>The call centre's start: the number the caller gives.</summary>
public sealed class IndexModel : PageModel
{
    public IActionResult OnGet(string? msisdn) =>
        string.IsNullOrWhiteSpace(msisdn) ? Page() : Redirect("/staff/calls/" + Uri.EscapeDataString(PortalInput.Msisdn(msisdn)!));
}
