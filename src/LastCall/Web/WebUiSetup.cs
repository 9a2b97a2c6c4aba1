using System.Text.Encodings.Web;
using System.Text.Unicode;

namespace LastCall.Web;

/// <summary>
/// The server-rendered web UI (Razor Pages under Pages/): the customer portal at <c>/portal</c> and the
/// staff console at <c>/staff</c>. This class puts it into the host: services, middleware and routes, and which
/// requests are the UI's. The session is <see cref="WebSession"/>'s, the language <see cref="WebCulture"/>'s.
/// Every UI response carries a strict Content-Security-Policy (no inline script or style).
/// </summary>
public static class WebUiSetup
{
    public const string ContentSecurityPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'";

    private static readonly string[] UiPrefixes = ["/portal", "/staff", "/culture", "/signout", "/error", "/css"];

    /// <summary>Pages, the cookie session and its policies, antiforgery and the HTML encoder.</summary>
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
            o.Conventions.AuthorizeFolder("/Portal", WebSession.CustomerPolicy);
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

        services.AddWebSession(securePolicy);
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

    /// <summary>Security headers and the operator's time zone (<see cref="PageFormat.Zone"/>) on UI responses, HTML error pages for the UI, static files and the pages.</summary>
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
                PageFormat.UseZone(context.RequestServices.GetRequiredService<Hosting.PolicySettings>().TimeZone);
                return next(context);
            });
            ui.UseExceptionHandler("/error/500");
            ui.UseStatusCodePagesWithReExecute("/error/{0}");
            ui.UseStaticFiles();
        });
    }

    /// <summary>The pages and the root redirect; called after authentication and authorization are in the pipeline.</summary>
    public static void MapLastCallWebUi(this WebApplication app)
    {
        app.MapGet("/", (HttpRequest request) => Results.Redirect(WebCulture.KeepCulture("/portal", request))).ExcludeFromDescription();
        app.MapRazorPages();
    }
}
