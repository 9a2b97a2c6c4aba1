using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using LastCall.BrowserTests.Infrastructure;
using LastCall.Domain.Common;
using LastCall.Domain.Numbers;
using Microsoft.Playwright;

namespace LastCall.BrowserTests;

/// <summary>A supervisor files the month's regulator report in the staff console, downloads it as filed, and cannot file the month twice.</summary>
[Collection(StaffCollection.Name)]
public sealed class StaffReportTests(StaffHost host)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_supervisor_files_a_month_downloads_the_file_as_filed_and_cannot_file_it_twice()
    {
        // A completed cancellation of August in the register (setup; the page is what is under test).
        await using (var db = host.Database.CreateContext())
        {
            db.Disconnections.Add(Disconnection.Record(Msisdn.Parse("+8613900001234"), new DateOnly(2026, 8, 14), DisconnectionSource.Cancellation, DateTimeOffset.UtcNow).Value);
            await db.SaveChangesAsync(Ct);
        }
        await using var session = await host.OpenAsync();
        var page = session.Page;
        await StaffHost.SignInAsync(page, "supervisor", english: true);
        await page.GetByTestId("nav_reports").ClickAsync();
        Assert.Equal("Regulator reports", await page.Locator("h1").InnerTextAsync());

        await page.GetByTestId("report-period").FillAsync("2026-08");
        await page.GetByTestId("report-profile").SelectOptionAsync("generic");
        await page.GetByTestId("report-format").SelectOptionAsync("csv");
        await page.GetByTestId("file-report").ClickAsync();
        await Assertions.Expect(page.GetByTestId("notice")).ToContainTextAsync("2026-08");
        var row = page.GetByTestId("reports").Locator("tr[data-report='2026-08-generic']");
        await Assertions.Expect(row).ToBeVisibleAsync();

        // The download is the file as filed: the same SHA-256 as the API gives for it.
        var download = await page.RunAndWaitForDownloadAsync(() => row.GetByTestId("report-file").First.ClickAsync());
        Assert.Equal("disconnections-2026-08-generic.csv", download.SuggestedFilename);
        var bytes = await File.ReadAllBytesAsync((await download.PathAsync())!, Ct);
        Assert.Contains("+8613900001234,2026-08-14,", System.Text.Encoding.UTF8.GetString(bytes), StringComparison.Ordinal);
        using var supervisorApi = await host.StaffAsync("supervisor");
        var reports = await supervisorApi.GetFromJsonAsync<JsonElement>("/api/v1/admin/reports/disconnections", Ct);
        var filed = reports.EnumerateArray().Single(r => r.GetProperty("period").GetString() == "2026-08" && r.GetProperty("profile").GetString() == "generic");
        Assert.Equal(filed.GetProperty("sha256").GetString(), Convert.ToHexStringLower(SHA256.HashData(bytes)));

        // The same month again is refused with the domain's code, in the page.
        await page.GetByTestId("report-period").FillAsync("2026-08");
        await page.GetByTestId("file-report").ClickAsync();
        await Assertions.Expect(page.Locator("[data-code='already_filed']")).ToBeVisibleAsync();

        await PageChecks.AssertFitsWidthAsync(page);
        Assert.Empty(session.CspViolations);
        Assert.DoesNotContain("[[", await page.ContentAsync(), StringComparison.Ordinal);
    }
}
