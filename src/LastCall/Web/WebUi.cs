using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Unicode;
using LastCall.Security;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Localization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.WebUtilities;

namespace LastCall.Web;

/// <summary>
/// The server-rendered web UI (Razor Pages under Pages/): the customer portal at <c>/portal</c> and the
/// staff console at <c>/staff</c>. Pages sign in with their own cookie scheme that carries the same
/// claims as the access tokens and is checked against the security stamp on every request; the API
/// never accepts that cookie (its policies use the default bearer scheme), so it stays free of CSRF.
/// Every UI response carries a strict Content-Security-Policy (no inline script or style).
/// </summary>
public static class WebUi
{
    public const string CookieScheme = "WebCookie";
    public const string CookieName = "lastcall.web";
    public const string CustomerPolicy = "web-customer";
    public const string StaffPolicy = "web-staff";
    public const string CustomerSignInPath = "/portal/signin";
    public const string StaffSignInPath = "/staff/signin";
    public static readonly TimeSpan SessionLifetime = AccessTokens.CustomerLifetime;

    public const string ContentSecurityPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'";

    public static readonly string[] Cultures = ["zh-CN", "en"];

    private static readonly string[] UiPrefixes = ["/portal", "/staff", "/culture", "/signout", "/error", "/css"];

    /// <summary>Pages, the cookie scheme and its policies, antiforgery and the UI texts.</summary>
    public static void AddLastCallWebUi(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        // Plain-http cookies only where the host itself runs on plain http for people developing or testing it.
        var securePolicy = builder.Environment.IsDevelopment() || builder.Environment.IsEnvironment("Testing")
            ? CookieSecurePolicy.SameAsRequest
            : CookieSecurePolicy.Always;

        // Pages carry Chinese as text rather than as &#x…; escapes. Only the HTML encoder: URLs and headers keep
        // percent-encoding everything outside ASCII. The encoder still escapes <, >, &, quotes and the like.
        services.AddSingleton(HtmlEncoder.Create(new TextEncoderSettings(
            UnicodeRanges.BasicLatin, UnicodeRanges.Latin1Supplement, UnicodeRanges.GeneralPunctuation,
            UnicodeRanges.CjkSymbolsandPunctuation, UnicodeRanges.CjkUnifiedIdeographsExtensionA, UnicodeRanges.CjkUnifiedIdeographs,
            UnicodeRanges.HalfwidthandFullwidthForms)));
        services.AddRazorPages(o =>
        {
            o.Conventions.AuthorizeFolder("/Portal", CustomerPolicy);
            o.Conventions.AllowAnonymousToPage("/Portal/SignIn");
            StaffUi.AddConventions(o.Conventions);
        });
        services.Configure<RouteOptions>(o => o.LowercaseUrls = true);
        services.AddAntiforgery(o =>
        {
            o.Cookie.Name = "lastcall.csrf";
            o.Cookie.SecurePolicy = securePolicy;
            o.Cookie.SameSite = SameSiteMode.Strict;
            o.Cookie.HttpOnly = true;
            o.FormFieldName = "__csrf";
        });

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
                    context.Response.Redirect(KeepCulture(path + "?returnUrl=" + Uri.EscapeDataString(returnUrl), context.Request));
                    return Task.CompletedTask;
                },
            };
        });
        services.AddAuthorizationBuilder()
            .AddPolicy(CustomerPolicy, p => p.AddAuthenticationSchemes(CookieScheme).RequireClaim(Claims.Kind, Claims.CustomerKind))
            .AddPolicy(StaffPolicy, p => p.AddAuthenticationSchemes(CookieScheme).RequireClaim(Claims.Kind, Claims.StaffKind))
            .AddStaffPolicies();
    }

    /// <summary>True for requests the web UI answers (pages and their static files), false for the API and the rest.</summary>
    public static bool IsUiRequest(HttpContext context)
    {
        var path = context.Request.Path;
        if (!path.HasValue || path.Value == "/")
            return true;
        // The API (the partner lookups above all) is answered by one comparison instead of one per UI prefix.
        if (path.StartsWithSegments("/api", StringComparison.OrdinalIgnoreCase))
            return false;
        foreach (var prefix in UiPrefixes)
        {
            if (path.StartsWithSegments(prefix, StringComparison.OrdinalIgnoreCase))
                return true;
        }
        return false;
    }

    /// <summary>The reassigned-numbers lookups (REST and CAMARA), which banks call on every login.</summary>
    public static bool IsPartnerLookup(HttpContext context) =>
        context.Request.Path.StartsWithSegments("/api/v1/reassigned-numbers", StringComparison.Ordinal)
        || context.Request.Path.StartsWithSegments("/number-recycling", StringComparison.Ordinal);

    /// <summary>
    /// Culture for people: the UI follows the culture cookie (the language switch, so a switch wins over a
    /// link's language), then <c>?culture=</c>, then the browser's Accept-Language, then zh-CN. The API keeps
    /// its order: <c>?culture=</c>, the cookie, then Accept-Language (what API.md documents).
    /// </summary>
    public static RequestLocalizationOptions LocalizationOptions()
    {
        var options = new RequestLocalizationOptions()
            .SetDefaultCulture("zh-CN")
            .AddSupportedCultures(Cultures)
            .AddSupportedUICultures(Cultures);
        RequestCultureProvider query = new QueryStringRequestCultureProvider();
        RequestCultureProvider cookie = new CookieRequestCultureProvider();
        options.RequestCultureProviders =
        [
            new CustomRequestCultureProvider(context => (IsUiRequest(context) ? cookie : query).DetermineProviderCultureResult(context)),
            new CustomRequestCultureProvider(context => (IsUiRequest(context) ? query : cookie).DetermineProviderCultureResult(context)),
            new AcceptLanguageHeaderRequestCultureProvider(),
        ];
        foreach (var provider in options.RequestCultureProviders.OfType<RequestCultureProvider>().Append(query).Append(cookie))
            provider.Options = options;
        return options;
    }

    /// <summary><paramref name="url"/> with the request's supported <c>?culture=</c>, so a redirect keeps the language asked for.</summary>
    public static string KeepCulture(string url, HttpRequest request) =>
        request.Query["culture"] is [{ } culture] && IsSupported(culture) ? QueryHelpers.AddQueryString(url, "culture", culture) : url;

    /// <summary>Security headers and the operator's time zone (<see cref="Fmt.Zone"/>) on UI responses, HTML error pages for the UI, static files and the pages.</summary>
    public static void UseLastCallWebUi(this WebApplication app)
    {
        // One branch for everything the UI adds, so that API requests (the partner lookups above all) skip it.
        app.UseWhen(IsUiRequest, ui =>
        {
            ui.Use((context, next) =>
            {
                var headers = context.Response.Headers;
                headers.ContentSecurityPolicy = ContentSecurityPolicy;
                headers.XContentTypeOptions = "nosniff";
                headers["Referrer-Policy"] = "no-referrer";
                headers.XFrameOptions = "DENY";
                // Times on pages in the operator's time zone (Policies:TimeZone), for this request's flow.
                Fmt.UseZone(context.RequestServices.GetRequiredService<Hosting.PolicySettings>().TimeZone);
                return next(context);
            });
            ui.UseExceptionHandler("/error/500");
            ui.UseStatusCodePagesWithReExecute("/error/{0}");
            ui.UseStaticFiles();
        });
    }

    /// <summary>
    /// On UI requests the signed-in person is the web cookie's (the API's default scheme is bearer only),
    /// so every page, the layout and antiforgery see the same user. Runs after UseAuthentication.
    /// </summary>
    public static void UseLastCallWebSession(this WebApplication app) =>
        app.Use(async (context, next) =>
        {
            if (IsUiRequest(context) && await context.AuthenticateAsync(CookieScheme) is { Succeeded: true } result)
                context.User = result.Principal;
            await next(context);
        });

    /// <summary>The pages and the root redirect; called after authentication and authorization are in the pipeline.</summary>
    public static void MapLastCallWebUi(this WebApplication app)
    {
        app.MapGet("/", (HttpRequest request) => Results.Redirect(KeepCulture("/portal", request))).ExcludeFromDescription();
        app.MapRazorPages();
    }

    /// <summary>The culture cookie's value for <paramref name="culture"/> (one year, the UI's own choice).</summary>
    public static void RememberCulture(HttpResponse response, string culture, bool secure) =>
        response.Cookies.Append(
            CookieRequestCultureProvider.DefaultCookieName,
            CookieRequestCultureProvider.MakeCookieValue(new RequestCulture(culture)),
            new CookieOptions { Expires = DateTimeOffset.UtcNow.AddYears(1), IsEssential = true, HttpOnly = true, SameSite = SameSiteMode.Lax, Secure = secure, Path = "/" });

    public static bool IsSupported(string? culture) => culture is not null && Cultures.Contains(culture, StringComparer.OrdinalIgnoreCase);

    public static string Current => CultureInfo.CurrentUICulture.Name == "en" ? "en" : "zh-CN";

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
