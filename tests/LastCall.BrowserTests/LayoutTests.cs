using System.Text.RegularExpressions;
using LastCall.BrowserTests.Infrastructure;
using LastCall.Web;
using Microsoft.Playwright;

namespace LastCall.BrowserTests;

/// <summary>The web UI's frame: root redirect, the language (switch, browser, link), security headers and the CSP.</summary>
[Collection(PortalCollection.Name)]
public sealed class LayoutTests(PortalHost host)
{
    [Fact]
    public async Task The_root_opens_the_portal_sign_in_in_Chinese_with_strict_headers_and_switches_to_English()
    {
        await using var session = await host.OpenAsync(width: 360, height: 780);
        var page = session.Page;

        var response = await page.GotoAsync("/");
        Assert.NotNull(response);
        Assert.Equal(200, response.Status);
        Assert.EndsWith("/portal/signin?returnUrl=%2Fportal", page.Url, StringComparison.Ordinal);
        var headers = await response.AllHeadersAsync();
        Assert.Equal(WebUiSetup.ContentSecurityPolicy, headers["content-security-policy"]);
        Assert.Equal("nosniff", headers["x-content-type-options"]);
        Assert.Equal("no-referrer", headers["referrer-policy"]);

        Assert.Equal("zh-CN", await page.Locator("html").GetAttributeAsync("lang"));
        Assert.Equal("登录", await page.Locator("h1").InnerTextAsync());
        // Labels belong to their inputs (accessible names).
        await page.GetByLabel("手机号码").FillAsync("13800000001");

        await page.GetByTestId("switch-language").ClickAsync();
        await Assertions.Expect(page).ToHaveURLAsync(new Regex("/portal/signin\\?returnUrl=%2Fportal$"));
        Assert.Equal("en", await page.Locator("html").GetAttributeAsync("lang"));
        Assert.Equal("Sign in", await page.Locator("h1").InnerTextAsync());
        await page.GetByLabel("Mobile number").FillAsync("13800000001");

        // The choice is remembered in the culture cookie, for this browser only.
        await page.GotoAsync("/portal/signin");
        Assert.Equal("Sign in", await page.Locator("h1").InnerTextAsync());
        Assert.Contains(await session.Context.CookiesAsync(), c => c.Name == ".AspNetCore.Culture" && c.HttpOnly);

        Assert.Empty(session.CspViolations);
        Assert.DoesNotContain("[[", await page.ContentAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_English_browser_gets_English_pages_without_choosing_and_a_link_naming_Chinese_wins()
    {
        await using var session = await host.OpenAsync(locale: "en-US");
        var page = session.Page;

        await page.GotoAsync("/");
        Assert.EndsWith("/portal/signin?returnUrl=%2Fportal", page.Url, StringComparison.Ordinal);
        Assert.Equal("en", await page.Locator("html").GetAttributeAsync("lang"));
        Assert.Equal("Sign in", await page.Locator("h1").InnerTextAsync());

        // Signed in, the pages still follow the browser: nothing was chosen, so nothing is remembered.
        await host.CustomerSignInAsync(page, host.Emily);
        Assert.Equal("My lines", await page.Locator("h1").InnerTextAsync());
        Assert.DoesNotContain(await session.Context.CookiesAsync(), c => c.Name == ".AspNetCore.Culture");

        // A link that names a language wins over the browser, and keeps it across the redirect from the root.
        await page.GotoAsync("/?culture=zh-CN");
        Assert.EndsWith("/portal?culture=zh-CN", page.Url, StringComparison.Ordinal);
        Assert.Equal("zh-CN", await page.Locator("html").GetAttributeAsync("lang"));
        Assert.Equal("我的号码", await page.Locator("h1").InnerTextAsync());

        Assert.Empty(session.CspViolations);
    }
}
