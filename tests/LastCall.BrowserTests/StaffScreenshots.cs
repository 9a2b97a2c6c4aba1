using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using LastCall.BrowserTests.Infrastructure;
using LastCall.TestSupport;
using Microsoft.Playwright;

namespace LastCall.BrowserTests;

/// <summary>
/// Not a test: captures the main staff console pages at 360 px and 1280 px in both languages into
/// docs/screenshots/staff-*.png (scripts/screenshots-staff.sh runs it; explicit, so test runs skip it).
/// </summary>
[Collection(StaffCollection.Name)]
public sealed class StaffScreenshots(StaffHost host)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact(Explicit = true)]
    public async Task Capture_the_main_staff_pages()
    {
        var folder = Path.Combine(Repository.Root(), "docs", "screenshots");
        Directory.CreateDirectory(folder);

        // Something to show: a completed counter cancellation, a blocker seen at the counter, a failed execution.
        using var clerk = await host.StaffAsync("clerk");
        var done = await clerk.PostAsJsonAsync("/api/v1/cancellations", new { msisdn = host.Counter.Msisdn, identityCheck = new { method = "in_person_id", idNumber = host.Counter.IdNumber } }, Ct);
        done.EnsureSuccessStatusCode();
        var completedId = (await done.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("id").GetGuid();
        (await clerk.GetAsync($"/api/v1/lines/{Uri.EscapeDataString(host.Owing.Msisdn)}/precheck", Ct)).EnsureSuccessStatusCode();
        using var supervisor = await host.StaffAsync("supervisor");
        await BrowserHost.WaitForCancellationAsync(supervisor, completedId, "completed");
        var reviewId = host.Applications[host.ToApprove.Msisdn];

        foreach (var english in new[] { false, true })
        {
            var culture = english ? "en" : "zh-CN";
            foreach (var width in new[] { 360, 1280 })
            {
                var suffix = $"{culture}-{width}";
                await using var session = await host.OpenAsync(width, width == 360 ? 780 : 900);
                var page = session.Page;
                await page.GotoAsync("/staff/signin");
                if (english)
                {
                    await page.GetByTestId("switch-language").ClickAsync();
                    await Assertions.Expect(page.Locator("html")).ToHaveAttributeAsync("lang", "en");
                }
                await ShotAsync(page, folder, $"staff-signin-{suffix}");

                await page.Locator("#username").FillAsync("clerk");
                await page.Locator("#password").FillAsync(StaffHost.StaffPassword);
                await page.GetByTestId("staff-sign-in").ClickAsync();
                await BrowserHost.ExpectSignedInAsync(page);
                await page.GotoAsync($"/staff/counter/{Uri.EscapeDataString(host.Owing.Msisdn)}");
                await ShotAsync(page, folder, $"staff-counter-{suffix}");
                await page.GotoAsync($"/staff/requests/{completedId}");
                await ShotAsync(page, folder, $"staff-request-{suffix}");

                await SwitchAsync(page, "agent");
                await page.GotoAsync($"/staff/calls/{Uri.EscapeDataString(host.Caller.Msisdn)}");
                await ShotAsync(page, folder, $"staff-call-gate-{suffix}");

                await SwitchAsync(page, "reviewer");
                await page.GotoAsync("/staff/review");
                await ShotAsync(page, folder, $"staff-review-queue-{suffix}");
                await page.GotoAsync($"/staff/review/{reviewId}");
                await ShotAsync(page, folder, $"staff-review-{suffix}");

                await SwitchAsync(page, "admin");
                await page.GotoAsync("/staff/supervision");
                await ShotAsync(page, folder, $"staff-dashboard-{suffix}");
                await page.GotoAsync($"/staff/supervision/audit?msisdn={Uri.EscapeDataString(host.Owing.Msisdn)}");
                await ShotAsync(page, folder, $"staff-audit-{suffix}");
                await page.GotoAsync("/staff/admin/staff");
                await ShotAsync(page, folder, $"staff-admin-staff-{suffix}");
                await page.GotoAsync("/staff/admin/policies");
                await ShotAsync(page, folder, $"staff-admin-policies-{suffix}");
            }
        }
    }

    private static async Task SwitchAsync(IPage page, string username)
    {
        await page.GetByTestId("sign-out").ClickAsync();
        await Assertions.Expect(page).ToHaveURLAsync(new Regex("/staff/signin"));
        await page.Locator("#username").FillAsync(username);
        await page.Locator("#password").FillAsync(StaffHost.StaffPassword);
        await page.GetByTestId("staff-sign-in").ClickAsync();
        await BrowserHost.ExpectSignedInAsync(page);
    }

    private static async Task ShotAsync(IPage page, string folder, string name)
    {
        // Nothing wider than the window, in either language (long English labels, long Chinese names).
        await PageChecks.AssertFitsWidthAsync(page);
        Assert.DoesNotContain("[[", await page.ContentAsync(), StringComparison.Ordinal);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(folder, name + ".png"), FullPage = true });
    }
}
