using LastCall.Web;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace LastCall.Pages;

/// <summary>POST /culture: the language switch. Remembers the choice in the culture cookie and goes back to the page (local addresses only).</summary>
public sealed class CultureModel : PageModel
{
    public IActionResult OnGet() => NotFound();

    public IActionResult OnPost(string? culture, string? returnUrl)
    {
        if (WebCulture.IsSupported(culture))
            WebCulture.RememberCulture(Response, WebCulture.Cultures.First(c => c.Equals(culture, StringComparison.OrdinalIgnoreCase)), Request.IsHttps);
        return LocalRedirect(Url.IsLocalUrl(returnUrl) ? returnUrl : "/portal");
    }
}
