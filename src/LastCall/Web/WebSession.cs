using LastCall.Security;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Mvc;

namespace LastCall.Web;

/// <summary>
/// The web UI's session: pages sign in with their own cookie scheme that carries the same claims as the access
/// tokens and is checked against the security stamp on every request; the API never accepts that cookie (its
/// policies use the default bearer scheme), so it stays free of CSRF.
/// </summary>
public static class WebSession
{
    public const string CookieScheme = "WebCookie";
    public const string CookieName = "lastcall.web";
    public const string CustomerPolicy = "web-customer";
    public const string StaffPolicy = "web-staff";
    public const string CustomerSignInPath = "/portal/signin";
    public const string StaffSignInPath = "/staff/signin";
    public static readonly TimeSpan SessionLifetime = AccessTokens.CustomerLifetime;

    /// <summary>The cookie scheme and the portal's and console's policies on it.</summary>
    public static void AddWebSession(this IServiceCollection services, CookieSecurePolicy securePolicy)
    {
        services.AddAuthentication().AddCookie(CookieScheme, o =>
        {
            o.Cookie.Name = CookieName;
            o.Cookie.HttpOnly = true;
            o.Cookie.SecurePolicy = securePolicy;
            o.Cookie.SameSite = SameSiteMode.Lax;
            o.ExpireTimeSpan = SessionLifetime;
            o.SlidingExpiration = true;
            o.LoginPath = CustomerSignInPath;
            o.AccessDeniedPath = "/error/403";
            o.Events = new CookieAuthenticationEvents
            {
                // A password change or an ownership transfer ends web sessions as it ends tokens.
                OnValidatePrincipal = async context =>
                {
                    if (await AuthenticationSetup.SessionEndReasonAsync(context.Principal!, context.HttpContext) is not null)
                    {
                        context.RejectPrincipal();
                        await context.HttpContext.SignOutAsync(CookieScheme);
                    }
                },
                // Signed in without the role: a 403 the status-code pages turn into the friendly page (no redirect).
                OnRedirectToAccessDenied = context =>
                {
                    context.Response.StatusCode = StatusCodes.Status403Forbidden;
                    return Task.CompletedTask;
                },
                // Staff pages send people to the staff sign-in, everything else to the portal's.
                OnRedirectToLogin = context =>
                {
                    var path = context.Request.Path.StartsWithSegments("/staff", StringComparison.OrdinalIgnoreCase) ? StaffSignInPath : CustomerSignInPath;
                    var returnUrl = context.Request.PathBase + context.Request.Path + context.Request.QueryString;
                    context.Response.Redirect(WebCulture.KeepCulture(path + "?returnUrl=" + Uri.EscapeDataString(returnUrl), context.Request));
                    return Task.CompletedTask;
                },
            };
        });
        services.AddAuthorizationBuilder()
            .AddPolicy(CustomerPolicy, p => p.AddAuthenticationSchemes(CookieScheme).RequireClaim(Claims.Kind, Claims.CustomerKind))
            .AddPolicy(StaffPolicy, p => p.AddAuthenticationSchemes(CookieScheme).RequireClaim(Claims.Kind, Claims.StaffKind))
            .AddStaffPolicies();
    }

    /// <summary>
    /// On UI requests the signed-in person is the web cookie's (the API's default scheme is bearer only),
    /// so every page, the layout and antiforgery see the same user. Runs after UseAuthentication.
    /// </summary>
    public static void UseLastCallWebSession(this WebApplication app) =>
        app.Use(async (context, next) =>
        {
            if (WebUiSetup.IsUiRequest(context) && await context.AuthenticateAsync(CookieScheme) is { Succeeded: true } result)
                context.User = result.Principal;
            await next(context);
        });

    /// <summary>
    /// Starts a web session with the claims an access token would carry, then returns to
    /// <paramref name="returnUrl"/> when it is a local page of the same area (<c>/portal</c> or <c>/staff</c>),
    /// else to the area's home.
    /// </summary>
    public static async Task<IActionResult> SignInAndReturnAsync(Microsoft.AspNetCore.Mvc.RazorPages.PageModel page, Dictionary<string, object> claims, string? returnUrl, string area)
    {
        await page.HttpContext.SignInAsync(CookieScheme, AccessTokens.Principal(claims, CookieScheme));
        return page.LocalRedirect(returnUrl is not null && page.Url.IsLocalUrl(returnUrl) && returnUrl.StartsWith(area, StringComparison.OrdinalIgnoreCase) ? returnUrl : area);
    }
}
