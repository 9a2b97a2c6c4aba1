using System.Net.Http.Json;
using System.Text.RegularExpressions;
using LastCall.BrowserTests.Infrastructure;
using Microsoft.Playwright;

namespace LastCall.BrowserTests;

/// <summary>The customer portal in Chromium: the whole online cancellation in both languages, other people's lines, sign-in failures, suspension.</summary>
[Collection(PortalCollection.Name)]
public sealed partial class PortalTests(PortalHost host)
{
    /// <summary>The smallest PNG the document store recognises (signature and an IHDR chunk).</summary>
    private static readonly byte[] Png = PortalHost.SamplePng;

    [Fact]
    public async Task A_customer_cancels_a_line_online_in_Chinese_on_a_phone_and_withdraws()
    {
        await using var session = await host.OpenAsync(width: 360, height: 780);
        var page = session.Page;
        await host.CustomerSignInAsync(page, host.Zhang1);

        // My lines: both lines under my identity.
        Assert.Equal("我的号码", await page.Locator("h1").InnerTextAsync());
        await Assertions.Expect(page.Locator($"[data-msisdn='{host.Zhang1.Msisdn}']")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator($"[data-msisdn='{host.Zhang2.Msisdn}']")).ToBeVisibleAsync();

        // Line detail: owner (long name), balance, companion device.
        await page.Locator($"[data-msisdn='{host.Zhang1.Msisdn}'] a.number").ClickAsync();
        Assert.Equal(BrowserHost.LongName, await page.GetByTestId("owner").InnerTextAsync());
        Assert.Equal("¥23.50", await page.GetByTestId("balance").InnerTextAsync());
        await Assertions.Expect(page.GetByTestId("profiles")).ToContainTextAsync("Apple Watch Series 10");
        await Assertions.Expect(page.GetByTestId("profiles")).ToContainTextAsync("附属设备");
        await PageChecks.AssertFitsWidthAsync(page);

        await RunWizardAsync(page);

        // Submitted: under review, with its history; then withdrawn.
        await Assertions.Expect(page.GetByTestId("submitted")).ToBeVisibleAsync();
        Assert.Equal("under_review", await page.GetByTestId("request-status").GetAttributeAsync("data-status"));
        Assert.Equal("审核中", await page.GetByTestId("request-status").InnerTextAsync());
        await Assertions.Expect(page.GetByTestId("history").Locator("li[data-status='submitted']")).ToHaveCountAsync(1);
        await PageChecks.AssertFitsWidthAsync(page);
        await page.GetByTestId("withdraw").ClickAsync();
        await Assertions.Expect(page.GetByTestId("request-status")).ToHaveAttributeAsync("data-status", "withdrawn");
        Assert.Equal("已撤回", await page.GetByTestId("request-status").InnerTextAsync());
        await Assertions.Expect(page.GetByTestId("withdraw")).ToHaveCountAsync(0);

        Assert.Empty(session.CspViolations);
        Assert.DoesNotContain("[[", await page.ContentAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_customer_cancels_a_line_online_in_English_on_a_desktop_and_withdraws()
    {
        await using var session = await host.OpenAsync();
        var page = session.Page;
        await page.GotoAsync("/portal/signin");
        await page.GetByTestId("switch-language").ClickAsync();
        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("Sign in");
        await host.CustomerSignInAsync(page, host.Li);

        Assert.Equal("My lines", await page.Locator("h1").InnerTextAsync());
        await page.Locator($"[data-msisdn='{host.Li.Msisdn}'] a.number").ClickAsync();
        Assert.Equal("Active", await page.GetByTestId("line-status").InnerTextAsync());

        await RunWizardAsync(page);

        Assert.Equal("Under review", await page.GetByTestId("request-status").InnerTextAsync());
        Assert.Equal("under_review", await page.GetByTestId("request-status").GetAttributeAsync("data-status"));
        // The line shows the request while it runs.
        var statusUrl = page.Url;
        await page.GotoAsync($"/portal/lines/{Uri.EscapeDataString(host.Li.Msisdn)}");
        Assert.Equal("Cancellation in progress", await page.GetByTestId("line-status").InnerTextAsync());
        await page.GetByTestId("request-link").ClickAsync();
        Assert.Equal(statusUrl.Split('?')[0], page.Url);
        await page.GetByTestId("withdraw").ClickAsync();
        await Assertions.Expect(page.GetByTestId("request-status")).ToHaveTextAsync("Withdrawn");
        await page.GotoAsync($"/portal/lines/{Uri.EscapeDataString(host.Li.Msisdn)}");
        Assert.Equal("Active", await page.GetByTestId("line-status").InnerTextAsync());

        Assert.Empty(session.CspViolations);
        Assert.DoesNotContain("[[", await page.ContentAsync(), StringComparison.Ordinal);
    }

    /// <summary>Line detail → precheck → alternatives → checklist (refused until complete) → ID upload → confirm → submit.</summary>
    private static async Task RunWizardAsync(IPage page)
    {
        await page.GetByTestId("cancel-link").ClickAsync();
        Assert.Equal("true", await page.GetByTestId("precheck").GetAttributeAsync("data-eligible"));
        await page.GetByTestId("next").ClickAsync();

        await Assertions.Expect(page.GetByTestId("alternative-suspension")).ToHaveAttributeAsync("data-available", "true");
        await Assertions.Expect(page.GetByTestId("alternative-transfer")).ToBeVisibleAsync();
        await page.GetByTestId("next").ClickAsync();

        await page.GetByTestId("check-backup").CheckAsync();
        await page.GetByTestId("next").ClickAsync();
        await Assertions.Expect(page.Locator("[data-code='checklist_incomplete']")).ToBeVisibleAsync();
        await page.GetByTestId("check-bills").CheckAsync();
        await page.GetByTestId("check-apps").CheckAsync();
        await page.GetByTestId("next").ClickAsync();

        // Nothing chosen: the document store's error shows in the page.
        await page.GetByTestId("upload").ClickAsync();
        await Assertions.Expect(page.Locator("[data-code='file_required']")).ToBeVisibleAsync();
        await page.Locator("#file").SetInputFilesAsync(new FilePayload { Name = "id-card.png", MimeType = "image/png", Buffer = Png });
        await page.GetByTestId("upload").ClickAsync();

        await Assertions.Expect(page.GetByTestId("what-happens")).ToBeVisibleAsync();
        Assert.Contains("document=", page.Url, StringComparison.Ordinal);
        await page.GetByTestId("submit").ClickAsync();
        await Assertions.Expect(page).ToHaveURLAsync(new Regex("/portal/cancellations/[0-9a-f-]{36}"));
    }

    [Fact]
    public async Task A_customer_cannot_open_another_customers_line()
    {
        await using var session = await host.OpenAsync();
        var page = session.Page;
        await host.CustomerSignInAsync(page, host.Chen);
        var other = Uri.EscapeDataString(host.Zhang2.Msisdn);

        foreach (var path in new[] { $"/portal/lines/{other}", $"/portal/lines/{other}/cancel", $"/portal/lines/{other}/suspension", $"/portal/lines/{other}/flag" })
        {
            var response = await page.GotoAsync(path);
            Assert.Equal(404, response!.Status);
            var html = await page.ContentAsync();
            Assert.Contains("未找到", await page.Locator("h1").InnerTextAsync(), StringComparison.Ordinal);
            Assert.DoesNotContain(host.Zhang2.Msisdn[3..], html, StringComparison.Ordinal);
            Assert.DoesNotContain("欧阳", html, StringComparison.Ordinal);
        }

        // The web cookie never opens the API: it stays bearer-only (no cross-site requests to forge).
        var api = await session.Context.APIRequest.GetAsync("/api/v1/me/lines");
        Assert.Equal(401, api.Status);
        Assert.Empty(session.CspViolations);
    }

    [Fact]
    public async Task A_wrong_service_password_shows_a_friendly_message_with_its_code()
    {
        await using var session = await host.OpenAsync(width: 360, height: 780);
        var page = session.Page;
        await page.GotoAsync("/portal/signin");
        await page.Locator("#msisdn").FillAsync(host.Chen.Typed);
        await page.GetByTestId("send-code").ClickAsync();
        await page.GetByTestId("code-sent").WaitForAsync();
        var code = await host.LatestCodeAsync(host.Chen.Msisdn);
        await page.Locator("#password").FillAsync("000000");
        await page.Locator("#otp").FillAsync(code);
        await page.GetByTestId("sign-in").ClickAsync();

        var problem = page.Locator("[data-code='invalid_credentials']");
        await Assertions.Expect(problem).ToBeVisibleAsync();
        await Assertions.Expect(problem).ToContainTextAsync("号码、服务密码或短信验证码不正确");
        Assert.EndsWith("/portal/signin", page.Url, StringComparison.Ordinal);
        Assert.DoesNotContain("Exception", await page.ContentAsync(), StringComparison.Ordinal);
        // Still signed out.
        var lines = await page.GotoAsync("/portal");
        Assert.Contains("/portal/signin", page.Url, StringComparison.Ordinal);
        Assert.Equal(200, lines!.Status);
    }

    [Fact]
    public async Task A_customer_suspends_a_line_and_resumes_it()
    {
        await using var session = await host.OpenAsync();
        var page = session.Page;
        await host.CustomerSignInAsync(page, host.Zhao);
        await page.Locator($"[data-msisdn='{host.Zhao.Msisdn}'] a.number").ClickAsync();

        await page.GetByTestId("suspension-link").ClickAsync();
        await Assertions.Expect(page.Locator("main")).ToContainTextAsync("¥5.00");
        await page.GetByTestId("suspend").ClickAsync();
        await Assertions.Expect(page.GetByTestId("notice")).ToBeVisibleAsync();
        Assert.Equal("停机保号", await page.GetByTestId("line-status").InnerTextAsync());

        await page.GetByTestId("suspension-link").ClickAsync();
        await Assertions.Expect(page.GetByTestId("suspended")).ToBeVisibleAsync();
        await page.GetByTestId("resume").ClickAsync();
        await Assertions.Expect(page.GetByTestId("notice")).ToBeVisibleAsync();
        Assert.Equal("正常", await page.GetByTestId("line-status").InnerTextAsync());
        Assert.Empty(session.CspViolations);
    }

    [Fact]
    public async Task The_new_holder_asks_apps_to_drop_the_previous_holders_accounts_in_both_languages()
    {
        await using var session = await host.OpenAsync(width: 360, height: 780);
        var page = session.Page;
        await host.CustomerSignInAsync(page, host.Zhao);
        await page.Locator($"[data-msisdn='{host.Zhao.Msisdn}'] a.number").ClickAsync();

        var section = page.GetByTestId("previous-holder");
        await Assertions.Expect(section.Locator("h2")).ToHaveTextAsync("前任机主的账号绑定");
        await page.GetByTestId("ask-previous-holder").ClickAsync();
        await Assertions.Expect(page.GetByTestId("notice")).ToContainTextAsync("已通知各应用");
        // Asked once: the button is gone and the request says which accounts it covers; no app was connected here.
        await Assertions.Expect(page.GetByTestId("ask-previous-holder")).ToHaveCountAsync(0);
        await Assertions.Expect(page.GetByTestId("previous-holder-none")).ToBeVisibleAsync();
        await Assertions.Expect(section).ToContainTextAsync("之前绑定到本号码的账号");
        await PageChecks.AssertFitsWidthAsync(page);

        await page.GetByTestId("switch-language").ClickAsync();
        await Assertions.Expect(section.Locator("h2")).ToHaveTextAsync("Accounts of the number's previous holder");
        await Assertions.Expect(page.GetByTestId("previous-holder-none")).ToHaveTextAsync("No connected app had to be asked.");
        Assert.Empty(session.CspViolations);
        Assert.DoesNotContain("[[", await page.ContentAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_owner_has_a_port_out_code_texted_to_the_line_from_its_page()
    {
        await using var session = await host.OpenAsync(width: 360, height: 780);
        var page = session.Page;
        await host.CustomerSignInAsync(page, host.Zhao);
        await page.Locator($"[data-msisdn='{host.Zhao.Msisdn}'] a.number").ClickAsync();

        var section = page.GetByTestId("port-out");
        await Assertions.Expect(section.Locator("h2")).ToHaveTextAsync("携号转网");
        await page.GetByTestId("ask-port-code").ClickAsync();
        await Assertions.Expect(page.GetByTestId("notice")).ToContainTextAsync("携转授权码已发送至本号码");
        // The code is only in the SMS to the line, never on the page.
        var messages = await host.Api.GetFromJsonAsync<System.Text.Json.JsonElement>($"/api/v1/dev/messages?to={Uri.EscapeDataString(host.Zhao.Msisdn)}", TestContext.Current.CancellationToken);
        var sms = messages.EnumerateArray().Select(m => m.GetProperty("body").GetString()!).First(b => b.Contains("授权码", StringComparison.Ordinal));
        var code = Regex.Match(sms, @"[0-9A-Z]{4}-[0-9A-Z]{4}").Value;
        Assert.NotEmpty(code);
        Assert.DoesNotContain(code, await page.ContentAsync(), StringComparison.Ordinal);
        await PageChecks.AssertFitsWidthAsync(page);

        await page.GetByTestId("switch-language").ClickAsync();
        await Assertions.Expect(section.Locator("h2")).ToHaveTextAsync("Moving to another operator");
        await Assertions.Expect(page.GetByTestId("ask-port-code")).ToHaveTextAsync("Text me a port-out code");
        Assert.Empty(session.CspViolations);
    }

    [Fact]
    public async Task Arrears_block_the_cancellation_and_the_page_says_how_to_fix_them()
    {
        await using var session = await host.OpenAsync(width: 360, height: 780);
        var page = session.Page;
        await host.CustomerSignInAsync(page, host.Wang);
        await page.GotoAsync($"/portal/lines/{Uri.EscapeDataString(host.Wang.Msisdn)}/cancel");

        Assert.Equal("false", await page.GetByTestId("precheck").GetAttributeAsync("data-eligible"));
        var arrears = page.GetByTestId("blockers").Locator("li[data-code='arrears']");
        await Assertions.Expect(arrears).ToContainTextAsync("86.40");
        await Assertions.Expect(arrears.Locator(".fix")).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByTestId("next")).ToHaveCountAsync(0);
        await PageChecks.AssertFitsWidthAsync(page);
        Assert.Empty(session.CspViolations);
    }
}
