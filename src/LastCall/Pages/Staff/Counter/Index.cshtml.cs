using LastCall.Web;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace LastCall.Pages.Staff.Counter;

/// <summary>The store counter's start: find a line by its number.</summary>
public sealed class IndexModel : PageModel
{
    public IActionResult OnGet(string? msisdn) =>
        string.IsNullOrWhiteSpace(msisdn) ? Page() : Redirect("/staff/counter/" + Uri.EscapeDataString(PortalInput.Msisdn(msisdn)!));
}
