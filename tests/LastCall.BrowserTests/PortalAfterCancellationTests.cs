using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using LastCall.BrowserTests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;

namespace LastCall.BrowserTests;

/// <summary>
/// The portal around a cancellation: the bill history from the billing simulator (and its outage), the unbinding
/// checklist of a completed request (partners' acknowledgements, the customer's own ticks), the early-exit fee.
/// </summary>
[Collection(PortalCollection.Name)]
public sealed class PortalAfterCancellationTests(PortalHost host)
{
    private static readonly byte[] Png = PortalHost.SamplePng;

    private static CancellationToken Ct => PortalHost.Ct;

    [Fact]
    public async Task The_bill_history_shows_the_billing_systems_bills_and_a_friendly_message_when_it_is_down()
    {
        await using var session = await host.OpenAsync(width: 360, height: 780);
        var page = session.Page;
        await host.CustomerSignInAsync(page, host.Wang);
        await page.GotoAsync($"/portal/lines/{Uri.EscapeDataString(host.Wang.Msisdn)}");
        await page.GetByTestId("bills-link").ClickAsync();

        // The simulator bills every month since activation (at most 12); the arrears make the latest one unpaid.
        var bills = page.GetByTestId("bills").Locator("li");
        await Assertions.Expect(bills).ToHaveCountAsync(12);
        var latest = bills.First;
        Assert.Equal("unpaid", await latest.GetAttributeAsync("data-status"));
        Assert.Equal("monthly", await latest.GetAttributeAsync("data-kind"));
        await Assertions.Expect(latest).ToContainTextAsync("¥86.40");
        await Assertions.Expect(latest).ToContainTextAsync("未缴");
        await Assertions.Expect(bills.Nth(1)).ToHaveAttributeAsync("data-status", "paid");
        await Assertions.Expect(bills.Nth(1)).ToContainTextAsync("¥58.00");
        var period = DateTime.UtcNow.AddMonths(-1).ToString("yyyy-MM", CultureInfo.InvariantCulture);
        await Assertions.Expect(page.GetByTestId("bills")).ToContainTextAsync(period);
        await PageChecks.AssertFitsWidthAsync(page);

        using var backends = host.Backends();
        try
        {
            (await backends.PutAsJsonAsync("/simulator/behaviour/billing", new { down = true }, Ct)).EnsureSuccessStatusCode();
            var response = await page.ReloadAsync();
            Assert.Equal(503, response!.Status);
            var problem = page.Locator("[data-code='billing_unavailable']");
            await Assertions.Expect(problem).ToContainTextAsync("计费系统暂时无法访问");
            await Assertions.Expect(problem.Locator("code")).ToHaveTextAsync("billing_unavailable");
            await Assertions.Expect(page.GetByTestId("bills")).ToHaveCountAsync(0);
        }
        finally
        {
            (await backends.PutAsJsonAsync("/simulator/behaviour/billing", new { down = false }, Ct)).EnsureSuccessStatusCode();
        }
        Assert.Empty(session.CspViolations);
        Assert.DoesNotContain("[[", await page.ContentAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_completed_cancellation_shows_who_unbound_the_number_and_the_customers_ticks_persist()
    {
        // Two partners hold the number; the clerk cancels it at the store and it runs at once.
        using var admin = await host.StaffAsync("admin");
        var bank = await CreatePartnerAsync(admin, "招商银行");
        var wallet = await CreatePartnerAsync(admin, "PayWallet");
        foreach (var partner in new[] { bank.Client, wallet.Client })
            (await partner.PutAsync($"/api/v1/partner/watchlist/{Uri.EscapeDataString(host.Sun.Msisdn)}", null, Ct)).EnsureSuccessStatusCode();
        using var clerk = await host.StaffAsync("clerk");
        using var submitted = await clerk.PostAsJsonAsync("/api/v1/cancellations",
            new { msisdn = host.Sun.Msisdn, identityCheck = new { method = "in_person_id", idNumber = host.SunIdNumber } }, Ct);
        submitted.EnsureSuccessStatusCode();
        var id = (await submitted.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("id").GetGuid();
        var detail = await BrowserHost.WaitForCancellationAsync(clerk, id, "completed");

        // The bank unbinds the number and acknowledges; the wallet has not yet.
        Guid bankRequest;
        await using (var db = host.Database.CreateContext())
            bankRequest = await db.UnbindingRequests.Where(r => r.CancellationId == id && r.PartnerId == bank.Id).Select(r => r.Id).SingleAsync(Ct);
        (await bank.Client.PostAsync($"/api/v1/partner/unbinding-requests/{bankRequest}/ack", null, Ct)).EnsureSuccessStatusCode();

        await using var session = await host.OpenAsync(width: 360, height: 780);
        var page = session.Page;
        await host.CustomerSignInAsync(page, host.Sun2);
        await page.GotoAsync($"/portal/cancellations/{id}");
        await Assertions.Expect(page.GetByTestId("request-status")).ToHaveAttributeAsync("data-status", "completed");
        await Assertions.Expect(page.GetByTestId("certificate")).ToBeVisibleAsync();

        // Times in the operator's zone from Policies:TimeZone (Asia/Tokyo here, not the default Asia/Shanghai).
        var zone = TimeZoneInfo.FindSystemTimeZoneById(PortalHost.TimeZoneId);
        var submittedAt = detail.GetProperty("history")[0].GetProperty("at").GetDateTimeOffset();
        var expected = TimeZoneInfo.ConvertTime(submittedAt, zone).ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture);
        Assert.Equal(expected, await page.GetByTestId("history").Locator("li time").First.InnerTextAsync());

        var unbinding = page.GetByTestId("unbinding");
        await Assertions.Expect(unbinding).ToContainTextAsync("短信验证码");
        await Assertions.Expect(page.Locator("[data-partner='招商银行']")).ToHaveAttributeAsync("data-acknowledged", "true");
        await Assertions.Expect(page.Locator("[data-partner='PayWallet']")).ToHaveAttributeAsync("data-acknowledged", "false");
        await Assertions.Expect(page.Locator("[data-partner='招商银行']")).ToContainTextAsync("已解绑");

        // Two ticks, saved, still ticked after a reload; the API agrees.
        await page.GetByTestId("unbind-wechat").CheckAsync();
        await page.GetByTestId("unbind-bank_card").CheckAsync();
        await page.GetByTestId("checklist-save").ClickAsync();
        await Assertions.Expect(page.GetByTestId("checklist-saved")).ToBeVisibleAsync();
        await page.ReloadAsync();
        await Assertions.Expect(page.GetByTestId("unbind-wechat")).ToBeCheckedAsync();
        await Assertions.Expect(page.GetByTestId("unbind-bank_card")).ToBeCheckedAsync();
        await Assertions.Expect(page.GetByTestId("unbind-alipay")).Not.ToBeCheckedAsync();
        await PageChecks.AssertFitsWidthAsync(page);

        using var customer = await host.CustomerAsync(host.Sun2);
        var view = await customer.GetFromJsonAsync<JsonElement>($"/api/v1/cancellations/{id}/unbinding", Ct);
        var done = view.GetProperty("checklist").EnumerateArray().Where(c => c.GetProperty("done").GetBoolean()).Select(c => c.GetProperty("item").GetString()).Order(StringComparer.Ordinal);
        Assert.Equal(["bank_card", "wechat"], done);
        var partners = view.GetProperty("partners").EnumerateArray().ToDictionary(p => p.GetProperty("partner").GetString()!, p => p.TryGetProperty("acknowledgedAt", out var at) && at.ValueKind != JsonValueKind.Null);
        Assert.Equal(new Dictionary<string, bool> { ["招商银行"] = true, ["PayWallet"] = false }, partners);

        // All at once.
        await page.GetByTestId("checklist-all").ClickAsync();
        await Assertions.Expect(page.GetByTestId("checklist-saved")).ToBeVisibleAsync();
        view = await customer.GetFromJsonAsync<JsonElement>($"/api/v1/cancellations/{id}/unbinding", Ct);
        Assert.All(view.GetProperty("checklist").EnumerateArray(), c => Assert.True(c.GetProperty("done").GetBoolean()));
        await Assertions.Expect(page.GetByTestId("unbind-qq")).ToBeCheckedAsync();

        Assert.Empty(session.CspViolations);
        Assert.DoesNotContain("[[", await page.ContentAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_customer_under_contract_accepts_the_early_exit_fee_and_the_request_carries_it()
    {
        await using var session = await host.OpenAsync();
        var page = session.Page;
        await page.GotoAsync("/portal/signin");
        await page.GetByTestId("switch-language").ClickAsync();
        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("Sign in");
        await host.CustomerSignInAsync(page, host.Zhou);
        await page.GotoAsync($"/portal/lines/{Uri.EscapeDataString(host.Zhou.Msisdn)}/cancel");

        Assert.Equal("false", await page.GetByTestId("precheck").GetAttributeAsync("data-eligible"));
        await Assertions.Expect(page.GetByTestId("blockers").Locator("li")).ToHaveCountAsync(1);
        await Assertions.Expect(page.GetByTestId("blockers").Locator("li[data-code='contract_commitment']")).ToBeVisibleAsync();
        var offer = page.GetByTestId("early-exit");
        await Assertions.Expect(offer).ToContainTextAsync("billed with your final bill");
        var feeText = Regex.Match(await offer.InnerTextAsync(), @"¥\d+\.\d\d").Value;
        Assert.NotEmpty(feeText);

        // The explicit checkbox: without it the form does not go on.
        await page.GetByTestId("continue-with-fee").ClickAsync();
        Assert.Contains("/cancel", page.Url, StringComparison.Ordinal);
        Assert.DoesNotContain("alternatives", page.Url, StringComparison.Ordinal);
        await page.GetByTestId("accept-fee").CheckAsync();
        await page.GetByTestId("continue-with-fee").ClickAsync();
        await Assertions.Expect(page).ToHaveURLAsync(new Regex("/cancel/alternatives\\?fee=accepted"));

        await page.GetByTestId("next").ClickAsync();
        foreach (var item in new[] { "backup", "bills", "apps" })
            await page.GetByTestId("check-" + item).CheckAsync();
        await page.GetByTestId("next").ClickAsync();
        await page.Locator("#file").SetInputFilesAsync(new FilePayload { Name = "id-card.png", MimeType = "image/png", Buffer = Png });
        await page.GetByTestId("upload").ClickAsync();

        // The confirmation states the fee with the final bill, and the cooling-off after approval.
        await Assertions.Expect(page.GetByTestId("fee-notice")).ToContainTextAsync($"The early-exit fee of {feeText} will be billed with your final bill.");
        await Assertions.Expect(page.GetByTestId("what-happens").GetByTestId("cooling-off")).ToContainTextAsync("no earlier than 24 hours after we text you the approval");
        await Assertions.Expect(page.GetByTestId("blockers")).ToHaveCountAsync(0);
        await page.GetByTestId("submit").ClickAsync();
        await Assertions.Expect(page).ToHaveURLAsync(new Regex("/portal/cancellations/[0-9a-f-]{36}"));

        Assert.Equal("under_review", await page.GetByTestId("request-status").GetAttributeAsync("data-status"));
        await Assertions.Expect(page.GetByTestId("early-exit-fee")).ToHaveTextAsync(feeText);
        await Assertions.Expect(page.GetByTestId("cooling-off")).ToContainTextAsync("24 hours");
        var id = Regex.Match(page.Url, "[0-9a-f-]{36}").Value;
        using var customer = await host.CustomerAsync(host.Zhou);
        var request = await customer.GetFromJsonAsync<JsonElement>($"/api/v1/cancellations/{id}", Ct);
        var fee = request.GetProperty("earlyExitFee").GetDecimal();
        Assert.True(fee > 0);
        Assert.Equal(feeText, "¥" + fee.ToString("0.00", CultureInfo.InvariantCulture));

        Assert.Empty(session.CspViolations);
        Assert.DoesNotContain("[[", await page.ContentAsync(), StringComparison.Ordinal);
    }

    private async Task<(Guid Id, HttpClient Client)> CreatePartnerAsync(HttpClient admin, string name)
    {
        using var response = await admin.PostAsJsonAsync("/api/v1/admin/partners", new { name }, Ct);
        response.EnsureSuccessStatusCode();
        var created = await response.Content.ReadFromJsonAsync<JsonElement>(Ct);
        return (created.GetProperty("id").GetGuid(), host.Client(created.GetProperty("apiKey").GetString()!));
    }
}
