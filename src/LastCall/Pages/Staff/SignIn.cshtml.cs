using LastCall.Features.Auth;
using LastCall.Security;
using LastCall.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace LastCall.Pages.Staff;

/// <summary>
/// Staff sign-in: username and password through the API's staff sign-in check (throttling, lock-out,
/// audit). Success starts a web session with the staff token's claims (roles, store).
/// </summary>
public sealed class SignInModel(StaffSignIn signIn) : PageModel
{
    public string? Username { get; private set; }

    public string? ReturnUrl { get; private set; }

    public UiProblem? Problem { get; private set; }

    public void OnGet(string? returnUrl) => ReturnUrl = returnUrl;

    public async Task<IActionResult> OnPostAsync(string? username, string? password, string? returnUrl, CancellationToken ct)
    {
        Username = username;
        ReturnUrl = returnUrl;
        var (staff, problem) = HandlerResults.Read(await signIn.HandleAsync(new StaffSignIn.Request(username, password), HttpContext.Connection.RemoteIpAddress?.ToString(), ct));
        if (problem is not null)
        {
            Problem = problem;
            problem.ApplyTo(Response);
            return Page();
        }
        return await WebSession.SignInAndReturnAsync(this, AccessTokens.StaffClaims(staff!), returnUrl, "/staff");
    }
}
