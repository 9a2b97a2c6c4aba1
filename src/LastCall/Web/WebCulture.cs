using System.Globalization;
using Microsoft.AspNetCore.Localization;
using Microsoft.AspNetCore.WebUtilities;

namespace LastCall.Web;

/// <summary>The language of a request: which cultures exist, how a request's is chosen, remembered and kept across redirects.</summary>
public static class WebCulture
{
    public static readonly string[] Cultures = ["zh-CN", "en"];

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
            new CustomRequestCultureProvider(context => (WebUiSetup.IsUiRequest(context) ? cookie : query).DetermineProviderCultureResult(context)),
            new CustomRequestCultureProvider(context => (WebUiSetup.IsUiRequest(context) ? query : cookie).DetermineProviderCultureResult(context)),
            new AcceptLanguageHeaderRequestCultureProvider(),
        ];
        foreach (var provider in options.RequestCultureProviders.OfType<RequestCultureProvider>().Append(query).Append(cookie))
            provider.Options = options;
        return options;
    }

    /// <summary><paramref name="url"/> with the request's supported <c>?culture=</c>, so a redirect keeps the language asked for.</summary>
    public static string KeepCulture(string url, HttpRequest request) =>
        request.Query["culture"] is [{ } culture] && IsSupported(culture) ? QueryHelpers.AddQueryString(url, "culture", culture) : url;

    /// <summary>The culture cookie's value for <paramref name="culture"/> (one year, the UI's own choice).</summary>
    public static void RememberCulture(HttpResponse response, string culture, bool secure) =>
        response.Cookies.Append(
            CookieRequestCultureProvider.DefaultCookieName,
            CookieRequestCultureProvider.MakeCookieValue(new RequestCulture(culture)),
            new CookieOptions { Expires = DateTimeOffset.UtcNow.AddYears(1), IsEssential = true, HttpOnly = true, SameSite = SameSiteMode.Lax, Secure = secure, Path = "/" });

    public static bool IsSupported(string? culture) => culture is not null && Cultures.Contains(culture, StringComparer.OrdinalIgnoreCase);

    public static string Current => CultureInfo.CurrentUICulture.Name == "en" ? "en" : "zh-CN";
}
