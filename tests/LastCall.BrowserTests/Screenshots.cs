using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using LastCall.BrowserTests.Infrastructure;
using LastCall.TestSupport;
using Microsoft.Playwright;

namespace LastCall.BrowserTests;

/// <summary>
/// Not a test: captures the main portal pages at 360 px and 1280 px in both languages into
/// docs/screenshots/ (scripts/screenshots.sh runs it; explicit, so test runs skip it).
/// </summary>
[Collection(PortalCollection.Name)]
public sealed class Screenshots(PortalHost host)
{
    private static readonly byte[] Png = PortalHost.SamplePng;

    [Fact(Explicit = true)]
    public async Task Capture_the_main_portal_pages()
    {
        var folder = Path.Combine(Repository.Root(), "docs", "screenshots");
        Directory.CreateDirectory(folder);
        string? statusPath = null;
        var completedPath = await CompletedCancellationAsync();
        foreach (var culture in new[] { "zh-CN", "en" })
        {
            foreach (var width in new[] { 360, 1280 })
            {
                await using var session = await host.OpenAsync(width, width == 360 ? 780 : 900);
                var page = session.Page;
                var suffix = $"{culture}-{width}";
                await page.GotoAsync("/portal/signin");
                if (culture == "en")
                {
                    await page.GetByTestId("switch-language").ClickAsync();
                    await Assertions.Expect(page.Locator("html")).ToHaveAttributeAsync("lang", "en");
                }
                await ShotAsync(page, folder, $"signin-{suffix}");

                await host.CustomerSignInAsync(page, host.Zhang1);
                await ShotAsync(page, folder, $"lines-{suffix}");
                await page.GotoAsync($"/portal/lines/{Uri.EscapeDataString(host.Zhang1.Msisdn)}");
                await ShotAsync(page, folder, $"line-{suffix}");
                await page.GotoAsync($"/portal/lines/{Uri.EscapeDataString(host.Zhang1.Msisdn)}/cancel/alternatives");
                await ShotAsync(page, folder, $"alternatives-{suffix}");

                if (statusPath is null)
                {
                    await page.GotoAsync($"/portal/lines/{Uri.EscapeDataString(host.Zhang2.Msisdn)}/cancel/checklist");
                    foreach (var item in new[] { "backup", "bills", "apps" })
                        await page.GetByTestId("check-" + item).CheckAsync();
                    await page.GetByTestId("next").ClickAsync();
                    await page.Locator("#file").SetInputFilesAsync(new FilePayload { Name = "id.png", MimeType = "image/png", Buffer = Png });
                    await page.GetByTestId("upload").ClickAsync();
                    await page.GetByTestId("what-happens").WaitForAsync();
                    await ShotAsync(page, folder, $"confirm-{suffix}");
                    await page.GetByTestId("submit").ClickAsync();
                    await Assertions.Expect(page).ToHaveURLAsync(new Regex("/portal/cancellations/"));
                    statusPath = new Uri(page.Url).AbsolutePath;
                }
                await page.GotoAsync(statusPath);
                await ShotAsync(page, folder, $"status-{suffix}");

                await host.CustomerSignInAsync(page, host.Wang);
                await page.GotoAsync($"/portal/lines/{Uri.EscapeDataString(host.Wang.Msisdn)}/cancel");
                await ShotAsync(page, folder, $"precheck-blocked-{suffix}");
                await page.GotoAsync($"/portal/lines/{Uri.EscapeDataString(host.Wang.Msisdn)}/bills");
                await ShotAsync(page, folder, $"bills-{suffix}");

                await host.CustomerSignInAsync(page, host.Zhou);
                await page.GotoAsync($"/portal/lines/{Uri.EscapeDataString(host.Zhou.Msisdn)}/cancel");
                await ShotAsync(page, folder, $"precheck-fee-{suffix}");

                await host.CustomerSignInAsync(page, host.Sun2);
                await page.GotoAsync(completedPath);
                await ShotAsync(page, folder, $"completed-{suffix}");
            }
        }
    }

    /// <summary>Sun's first line cancelled at the store and run to completion, one partner having unbound it, two items ticked.</summary>
    private async Task<string> CompletedCancellationAsync()
    {
        var ct = PortalHost.Ct;
        using var admin = await host.StaffAsync("admin");
        var partners = new List<(Guid Id, HttpClient Client)>();
        foreach (var name in new[] { "招商银行", "PayWallet" })
        {
            using var created = await admin.PostAsJsonAsync("/api/v1/admin/partners", new { name }, ct);
            var body = await created.Content.ReadFromJsonAsync<JsonElement>(ct);
            var partner = host.Client(body.GetProperty("apiKey").GetString()!);
            (await partner.PutAsync($"/api/v1/partner/watchlist/{Uri.EscapeDataString(host.Sun.Msisdn)}", null, ct)).EnsureSuccessStatusCode();
            partners.Add((body.GetProperty("id").GetGuid(), partner));
        }
        using var clerk = await host.StaffAsync("clerk");
        using var submitted = await clerk.PostAsJsonAsync("/api/v1/cancellations", new { msisdn = host.Sun.Msisdn, identityCheck = new { method = "in_person_id", idNumber = host.SunIdNumber } }, ct);
        var id = (await submitted.Content.ReadFromJsonAsync<JsonElement>(ct)).GetProperty("id").GetGuid();
        await BrowserHost.WaitForCancellationAsync(clerk, id, "completed");
        Guid first;
        await using (var db = host.Database.CreateContext())
            first = db.UnbindingRequests.Where(r => r.CancellationId == id && r.PartnerId == partners[0].Id).Select(r => r.Id).Single();
        (await partners[0].Client.PostAsync($"/api/v1/partner/unbinding-requests/{first}/ack", null, ct)).EnsureSuccessStatusCode();
        using var customer = await host.CustomerAsync(host.Sun2);
        foreach (var item in new[] { "wechat", "alipay" })
            (await customer.PutAsJsonAsync($"/api/v1/cancellations/{id}/unbinding/checklist/{item}", new { done = true }, ct)).EnsureSuccessStatusCode();
        foreach (var (_, client) in partners)
            client.Dispose();
        return $"/portal/cancellations/{id}";
    }

    private static async Task ShotAsync(IPage page, string folder, string name) =>
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(folder, name + ".png"), FullPage = true });
}
