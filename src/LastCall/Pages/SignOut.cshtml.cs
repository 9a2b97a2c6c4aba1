using LastCall.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace LastCall.Pages;

/// <summary>POST /signout: ends the web session (portal or staff console) and returns to that area's sign-in.</summary>
public sealed class SignOutModel : PageModel
{
    public IActionResult OnGet() => NotFound();

    public async Task<IActionResult> OnPostAsync(string? area)
    {
        await HttpContext.SignOutAsync(WebSession.CookieScheme);
        return LocalRedirect(area == "staff" ? WebSession.StaffSignInPath : WebSession.CustomerSignInPath);
    }
}
