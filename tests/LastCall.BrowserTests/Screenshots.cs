using System.Text.RegularExpressions;
using LastCall.BrowserTests.Infrastructure;
using Microsoft.Playwright;

namespace LastCall.BrowserTests;

/// <summary>
/// Not a test: captures the main portal pages at 360 px and 1280 px in both languages into
/// docs/screenshots/ (scripts/screenshots.sh runs it; explicit, so test runs skip it).
/// </summary>
[Collection(PortalCollection.Name)]
public sealed class Screenshots(PortalHost host)
{
    private static readonly byte[] Png = Convert.FromBase64String("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==");

    [Fact(Explicit = true)]
    public async Task Capture_the_main_portal_pages()
    {
        var folder = Path.Combine(ResourceTests.RepositoryRoot(), "docs", "screenshots");
        Directory.CreateDirectory(folder);
        string? statusPath = null;
        foreach (var culture in new[] { "zh-CN", "en" })
        {
            foreach (var width in new[] { 360, 1280 })
            {
                await using var session = await host.OpenAsync(width, width == 360 ? 780 : 900);
                var page = session.Page;
                var suffix = $"{culture}-{width}";
                await page.GotoAsync("/portal/signin");
                if (culture == "en")
                    await page.GetByTestId("switch-language").ClickAsync();
                await ShotAsync(page, folder, $"signin-{suffix}");

                await host.SignInAsync(page, host.Zhang1);
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
                    await page.WaitForURLAsync(new Regex("/portal/cancellations/"));
                    statusPath = new Uri(page.Url).AbsolutePath;
                }
                await page.GotoAsync(statusPath);
                await ShotAsync(page, folder, $"status-{suffix}");

                await host.SignInAsync(page, host.Wang);
                await page.GotoAsync($"/portal/lines/{Uri.EscapeDataString(host.Wang.Msisdn)}/cancel");
                await ShotAsync(page, folder, $"precheck-blocked-{suffix}");
            }
        }
    }

    private static async Task ShotAsync(IPage page, string folder, string name) =>
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(folder, name + ".png"), FullPage = true });
}
