using LastCall.Features.Auth;
using LastCall.Security;
using LastCall.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace LastCall.Pages.Portal;

/// <summary>
/// Customer sign-in: number, service password and SMS code, through the API's own sign-in check
/// (throttling, lock-out, audit). Success starts a web session (cookie) with the access token's claims.
/// </summary>
public sealed class SignInModel(RequestSignInCode sendCode, Features.Auth.SignIn signIn) : PageModel
{
    public string? Msisdn { get; private set; }

    public string? ReturnUrl { get; private set; }

    public bool CodeSent { get; private set; }

    public UiProblem? Problem { get; private set; }

    public void OnGet(string? returnUrl) => ReturnUrl = returnUrl;

    public async Task<IActionResult> OnPostSendCodeAsync(string? msisdn, string? returnUrl, CancellationToken ct)
    {
        Msisdn = msisdn;
        ReturnUrl = returnUrl;
        var (_, problem) = HandlerResults.Read(await sendCode.HandleAsync(new RequestSignInCode.Request(PortalInput.Msisdn(msisdn)), ct));
        Problem = problem;
        CodeSent = problem is null;
        if (problem is not null)
            problem.ApplyTo(Response);
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(string? msisdn, string? servicePassword, string? otp, string? returnUrl, CancellationToken ct)
    {
        Msisdn = msisdn;
        ReturnUrl = returnUrl;
        var (customer, problem) = HandlerResults.Read(await signIn.HandleAsync(
            new Features.Auth.SignIn.Request(PortalInput.Msisdn(msisdn), servicePassword, otp?.Trim()), HttpContext.Connection.RemoteIpAddress?.ToString(), ct));
        if (problem is not null)
        {
            Problem = problem;
            problem.ApplyTo(Response);
            return Page();
        }
        return await WebSession.SignInAndReturnAsync(this, AccessTokens.CustomerClaims(customer!), returnUrl, "/portal");
    }
}
