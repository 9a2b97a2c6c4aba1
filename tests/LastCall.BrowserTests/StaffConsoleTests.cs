using System.Net.Http.Json;
using System.Text.Json;
using LastCall.BrowserTests.Infrastructure;
using LastCall.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace LastCall.BrowserTests;

/// <summary>The supervisor's dashboard and audit trail, and the administrator's pages, in Chromium.</summary>
[Collection(StaffCollection.Name)]
public sealed class StaffConsoleTests(StaffHost host)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task The_dashboard_draws_its_charts_with_data_tables_and_retries_a_failed_execution()
    {
        // A blocker seen by a clerk's precheck, and an execution the billing system refuses.
        using var clerk = await host.StaffAsync("clerk");
        (await clerk.GetAsync($"/api/v1/lines/{Uri.EscapeDataString(host.Owing.Msisdn)}/precheck", Ct)).EnsureSuccessStatusCode();
        var simulators = host.Host.Services.GetRequiredService<EmbeddedSimulators>();
        using (var backends = new HttpClient { BaseAddress = new Uri(simulators.BackendsBaseUrl!) })
        {
            (await backends.PutAsJsonAsync($"simulator/billing/accounts/{Uri.EscapeDataString(host.Failing.Msisdn)}", new { currency = "CNY", balance = 0, arrears = 9.90 }, Ct)).EnsureSuccessStatusCode();
        }
        var submitted = await clerk.PostAsJsonAsync("/api/v1/cancellations", new { msisdn = host.Failing.Msisdn, identityCheck = new { method = "in_person_id", idNumber = host.Failing.IdNumber } }, Ct);
        submitted.EnsureSuccessStatusCode();
        var failedId = (await submitted.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("id").GetGuid();
        using var supervisorApi = await host.StaffAsync("supervisor");
        await BrowserHost.WaitForCancellationAsync(supervisorApi, failedId, "failed");

        await using var session = await host.OpenAsync();
        var page = session.Page;
        await StaffHost.SignInAsync(page, "supervisor", english: true);
        await page.GetByTestId("nav_dashboard").ClickAsync();
        Assert.Equal("Supervisor dashboard", await page.Locator("h1").InnerTextAsync());

        foreach (var chart in new[] { "channel", "outcome", "sla", "blockers" })
        {
            var section = page.GetByTestId("chart-" + chart);
            await Assertions.Expect(section.Locator("svg[role='img']")).ToHaveCountAsync(1);
            await Assertions.Expect(section.GetByTestId("table-" + chart)).ToBeVisibleAsync();
        }
        // Bars for the requests of today, and the same figures in the table.
        Assert.True(await page.GetByTestId("chart-channel").Locator("svg rect.s-store").CountAsync() >= 1);
        var todayRow = page.GetByTestId("table-channel").Locator("tbody tr").Last;
        var storeToday = int.Parse(await todayRow.Locator("td").Nth(2).InnerTextAsync(), System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(storeToday >= 1);
        Assert.True(await page.GetByTestId("chart-outcome").Locator("svg rect.s-failed").CountAsync() >= 1);
        await Assertions.Expect(page.GetByTestId("table-blockers").Locator("tr[data-code='arrears']")).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByTestId("blockers-footnote")).ToContainTextAsync("line.prechecked");

        // The failed execution, with its failed step, and a retry.
        var row = page.GetByTestId("failed").Locator($"tr[data-id='{failedId}']");
        await Assertions.Expect(row).ToContainTextAsync("Final bill");
        await page.GetByTestId($"retry-{failedId}").ClickAsync();
        await Assertions.Expect(page.GetByTestId("notice")).ToBeVisibleAsync();
        var retried = await supervisorApi.GetFromJsonAsync<JsonElement>($"/api/v1/cancellations/{failedId}", Ct);
        Assert.True(retried.GetProperty("history").EnumerateArray().Count(h => h.GetProperty("status").GetString() == "executing") >= 2);

        Assert.Empty(session.CspViolations);
        Assert.DoesNotContain("[[", await page.ContentAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_dashboard_lists_the_partners_whose_recycling_acknowledgements_are_overdue()
    {
        // A partner told about a number a week ago, which never acknowledged: its working days have passed.
        using var admin = await host.StaffAsync("admin");
        var created = await admin.PostAsJsonAsync("/api/v1/admin/partners", new { name = "Slow Wallet App" }, Ct);
        created.EnsureSuccessStatusCode();
        var partnerId = (await created.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("id").GetGuid();
        var number = LastCall.Domain.Common.Msisdn.Parse(LastCall.TestSupport.TestData.Msisdn(LastCall.TestSupport.TestData.Next()));
        var sent = DateTimeOffset.UtcNow.AddDays(-8);
        await using (var db = host.Database.CreateContext())
        {
            db.RecyclingNotices.Add(LastCall.Domain.Partners.RecyclingNotice.Create(partnerId, number, DateOnly.FromDateTime(sent.UtcDateTime).AddDays(-83),
                DateOnly.FromDateTime(sent.UtcDateTime).AddDays(7), sent, sent.AddDays(7)));
            await db.SaveChangesAsync(Ct);
        }

        await using var session = await host.OpenAsync();
        var page = session.Page;
        await StaffHost.SignInAsync(page, "supervisor", english: true);
        await page.GetByTestId("nav_dashboard").ClickAsync();
        var panel = page.GetByTestId("recycling-overdue");
        await Assertions.Expect(panel.Locator("h2")).ToHaveTextAsync("Recycling acknowledgements overdue");
        var row = panel.Locator($"tr[data-partner='{partnerId}']");
        await Assertions.Expect(row).ToContainTextAsync("Slow Wallet App");
        await Assertions.Expect(row).ToContainTextAsync(number.Masked());
        Assert.DoesNotContain(number.Value, await row.InnerTextAsync(), StringComparison.Ordinal);

        // In Chinese too.
        await page.GetByTestId("switch-language").ClickAsync();
        await Assertions.Expect(page.Locator("html")).ToHaveAttributeAsync("lang", "zh-CN");
        await Assertions.Expect(page.GetByTestId("recycling-overdue").Locator("h2")).ToHaveTextAsync("号码回收通知逾期未确认");
        Assert.Empty(session.CspViolations);
    }

    [Fact]
    public async Task A_supervisor_reads_the_audit_trail_of_a_line_and_the_reading_is_audited()
    {
        using var clerk = await host.StaffAsync("clerk");
        (await clerk.GetAsync($"/api/v1/lines/{Uri.EscapeDataString(host.Owing.Msisdn)}/precheck", Ct)).EnsureSuccessStatusCode();
        await using var session = await host.OpenAsync(width: 360, height: 780);
        var page = session.Page;
        await StaffHost.SignInAsync(page, "supervisor");
        await page.GotoAsync("/staff/supervision/audit");
        await page.Locator("#audit-msisdn").FillAsync(host.Owing.Typed);
        await page.GetByTestId("audit-find").ClickAsync();
        var events = page.GetByTestId("audit-events");
        await Assertions.Expect(events.Locator("tr[data-action='line.prechecked']").First).ToBeVisibleAsync();
        await page.ReloadAsync();
        // Newest first: the previous reading is on top.
        Assert.Equal("audit.read", await events.Locator("tbody tr").First.GetAttributeAsync("data-action"));
        Assert.DoesNotContain(host.Owing.IdNumber, await page.ContentAsync(), StringComparison.Ordinal);
        await PageChecks.AssertFitsWidthAsync(page);
        Assert.Empty(session.CspViolations);
    }

    [Fact]
    public async Task An_admin_creates_a_staff_account_and_a_partner_whose_key_is_shown_once()
    {
        await using var session = await host.OpenAsync();
        var page = session.Page;
        await StaffHost.SignInAsync(page, "admin");
        await page.GetByTestId("nav_admin").ClickAsync();
        await page.GetByTestId("admin-staff").ClickAsync();

        // A clerk without a store is refused with the domain's code.
        await page.Locator("#new-username").FillAsync("clerk.gz");
        await page.Locator("#new-password").FillAsync("another-long-password");
        await page.Locator("input[name='roles'][value='clerk']").CheckAsync();
        await page.GetByTestId("create-staff").ClickAsync();
        await Assertions.Expect(page.Locator("[data-code='store_required']")).ToBeVisibleAsync();
        await page.Locator("#new-password").FillAsync("another-long-password");
        await page.Locator("#new-store").FillAsync("GZ-003");
        await page.GetByTestId("create-staff").ClickAsync();
        await Assertions.Expect(page.GetByTestId("notice")).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByTestId("staff-list").Locator("tr[data-username='clerk.gz']")).ToContainTextAsync("GZ-003");

        await page.GotoAsync("/staff/admin/partners");
        await page.Locator("#partner-name").FillAsync("中国某某银行股份有限公司信用卡中心");
        await page.GetByTestId("create-partner").ClickAsync();
        var key = await page.GetByTestId("api-key").InnerTextAsync();
        Assert.StartsWith("lcp_", key, StringComparison.Ordinal);
        // The key works, and is never shown again.
        using (var partner = host.Host.CreateClient())
        {
            partner.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", key);
            Assert.True((await partner.GetAsync("/api/v1/partner/me", Ct)).IsSuccessStatusCode);
        }
        await page.GotoAsync("/staff/admin/partners");
        Assert.DoesNotContain(key, await page.ContentAsync(), StringComparison.Ordinal);
        await page.Locator("[data-partner='中国某某银行股份有限公司信用卡中心'] [data-testid='revoke-key']").ClickAsync();
        await Assertions.Expect(page.GetByTestId("notice")).ToBeVisibleAsync();

        await page.GotoAsync("/staff/admin/policies");
        await Assertions.Expect(page.GetByTestId("review-sla")).ToContainTextAsync("个工作日");
        var html = await page.ContentAsync();
        Assert.DoesNotContain(host.Database.ConnectionString, html, StringComparison.Ordinal);
        Assert.DoesNotContain(host.Database.MasterKey, html, StringComparison.Ordinal);

        // The development outbox page lists what was "sent".
        await page.GotoAsync("/staff/dev/messages");
        Assert.True(await page.GetByTestId("messages").Locator("li").CountAsync() >= 1);
        Assert.Empty(session.CspViolations);
        Assert.DoesNotContain("[[", await page.ContentAsync(), StringComparison.Ordinal);
    }
}
