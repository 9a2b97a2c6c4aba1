using System.Globalization;
using System.Net.Http.Headers;
using System.Text.RegularExpressions;
using LastCall.Data;
using LastCall.TestSupport;
using Microsoft.AspNetCore.Localization;
using Microsoft.AspNetCore.Mvc.Testing;

namespace LastCall.Tests.Web;

/// <summary>
/// The portal's language: the culture cookie, then <c>?culture=</c> (kept across the redirects from <c>/</c>), then
/// the browser's Accept-Language, then Chinese; Chinese is written as text in the HTML, not as character references.
/// </summary>
public sealed partial class PortalLanguageTests(PostgresCluster postgres) : IAsyncLifetime
{
    private TestDatabase? _database;
    private TestHost? _host;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _database = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite, postgres);
        _host = TestHost.Start(_database.HostSettings());
    }

    public async ValueTask DisposeAsync()
    {
        if (_host is not null)
            await _host.DisposeAsync();
        _database?.Dispose();
    }

    private static async Task<string> SignInPageAsync(HttpClient client, string url, string? acceptLanguage = null, string? cultureCookie = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        if (acceptLanguage is not null)
            request.Headers.AcceptLanguage.Add(new StringWithQualityHeaderValue(acceptLanguage));
        if (cultureCookie is not null)
            request.Headers.Add("Cookie", $"{CookieRequestCultureProvider.DefaultCookieName}={Uri.EscapeDataString(CookieRequestCultureProvider.MakeCookieValue(new RequestCulture(cultureCookie)))}");
        using var response = await client.SendAsync(request, Ct);
        response.EnsureSuccessStatusCode();
        return await response.Content.ReadAsStringAsync(Ct);
    }

    [GeneratedRegex("&#x([0-9A-Fa-f]+);")]
    private static partial Regex CharacterReference();

    [Fact]
    public async Task NoLanguageAsked_SignInIsChinese_WrittenAsText()
    {
        using var client = _host!.CreateClient();

        var html = await SignInPageAsync(client, "/portal/signin");

        Assert.Contains("<html lang=\"zh-CN\">", html, StringComparison.Ordinal);
        Assert.Contains("<h1>登录</h1>", html, StringComparison.Ordinal);
        Assert.Contains("请使用手机号码、服务密码和短信验证码登录。", html, StringComparison.Ordinal);
        // Markup characters may still be escaped; nothing from the CJK blocks is.
        Assert.DoesNotContain(CharacterReference().Matches(html), m => int.Parse(m.Groups[1].Value, NumberStyles.HexNumber, CultureInfo.InvariantCulture) >= 0x2E80);
    }

    [Fact]
    public async Task ErrorPage_FullwidthAndCjkPunctuation_WrittenAsText()
    {
        using var client = _host!.CreateClient();

        using var response = await client.GetAsync("/error/404", Ct);
        var html = await response.Content.ReadAsStringAsync(Ct);

        Assert.Equal(System.Net.HttpStatusCode.NotFound, response.StatusCode);
        // A fullwidth comma (U+FF0C) and the ideographic full stop (U+3002) as they are written in the texts.
        Assert.Contains("在您的身份下没有找到该内容。请检查地址，或返回您的号码列表。", html, StringComparison.Ordinal);
        Assert.DoesNotContain(CharacterReference().Matches(html), m => int.Parse(m.Groups[1].Value, NumberStyles.HexNumber, CultureInfo.InvariantCulture) >= 0x2E80);
    }

    [Fact]
    public async Task EnglishBrowser_SignInIsEnglish()
    {
        using var client = _host!.CreateClient();

        var html = await SignInPageAsync(client, "/portal/signin", acceptLanguage: "en-US");

        Assert.Contains("<html lang=\"en\">", html, StringComparison.Ordinal);
        Assert.Contains("<h1>Sign in</h1>", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CultureOnTheRoot_IsKeptAcrossTheRedirectsToTheSignIn()
    {
        using var client = _host!.CreateClient();

        using var response = await client.GetAsync("/?culture=en", Ct);
        var html = await response.Content.ReadAsStringAsync(Ct);

        Assert.Equal("/portal/signin", response.RequestMessage!.RequestUri!.AbsolutePath);
        Assert.Contains("culture=en", response.RequestMessage.RequestUri.Query, StringComparison.Ordinal);
        Assert.Contains("<h1>Sign in</h1>", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CultureOnAStaffPage_IsKeptAcrossTheRedirectToTheStaffSignIn_OverAChineseBrowser()
    {
        using var client = _host!.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/staff?culture=en");
        request.Headers.AcceptLanguage.Add(new StringWithQualityHeaderValue("zh-CN"));

        using var response = await client.SendAsync(request, Ct);
        var html = await response.Content.ReadAsStringAsync(Ct);

        Assert.Equal("/staff/signin", response.RequestMessage!.RequestUri!.AbsolutePath);
        Assert.Contains("culture=en", response.RequestMessage.RequestUri.Query, StringComparison.Ordinal);
        Assert.Contains("<h1>Staff sign-in</h1>", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CultureCookie_WinsOverTheQueryAndTheBrowser_AndTheQueryOverTheBrowser()
    {
        // The cookie is sent by hand (the language switch posts a form with an antiforgery token).
        using var plain = _host!.CreateClient();
        using var client = _host.CreateClient(new WebApplicationFactoryClientOptions { HandleCookies = false, BaseAddress = plain.BaseAddress! });

        var chosen = await SignInPageAsync(client, "/portal/signin?culture=en", acceptLanguage: "en", cultureCookie: "zh-CN");
        var linked = await SignInPageAsync(client, "/portal/signin?culture=zh-CN", acceptLanguage: "en");

        Assert.Contains("<h1>登录</h1>", chosen, StringComparison.Ordinal);
        Assert.Contains("<h1>登录</h1>", linked, StringComparison.Ordinal);
    }
}
