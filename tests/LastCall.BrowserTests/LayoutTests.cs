using LastCall.BrowserTests.Infrastructure;
using LastCall.Web;

namespace LastCall.BrowserTests;

/// <summary>The web UI's frame: root redirect, Chinese by default, the language switch, security headers and the CSP.</summary>
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
        await page.WaitForURLAsync("**/portal/signin?returnUrl=%2Fportal");
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
}
