using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using LastCall.BrowserTests.Infrastructure;
using Microsoft.Playwright;

namespace LastCall.BrowserTests;

/// <summary>
/// The staff console in Chromium: the store counter's cancellation with the certificate, the reviewer
/// approving and rejecting, the call-centre gate, store and role boundaries, the dashboard's charts.
/// </summary>
[Collection(StaffCollection.Name)]
public sealed partial class StaffTests(StaffHost host)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_clerk_cancels_a_line_at_the_counter_and_prints_the_certificate()
    {
        await using var session = await host.OpenAsync(width: 360, height: 780);
        var page = session.Page;
        await StaffHost.SignInAsync(page, "clerk");
        Assert.Equal("员工工作台", await page.Locator("h1").InnerTextAsync());
        await page.GetByTestId("nav_counter").ClickAsync();

        await page.Locator("#find-msisdn").FillAsync(host.Counter.Typed);
        await page.GetByTestId("find").ClickAsync();
        Assert.Equal(BrowserHost.LongName, await page.GetByTestId("owner").InnerTextAsync());
        Assert.Contains("*", await page.GetByTestId("owner-id").InnerTextAsync(), StringComparison.Ordinal);
        Assert.DoesNotContain(host.Counter.IdNumber, await page.ContentAsync(), StringComparison.Ordinal);
        Assert.Equal("true", await page.GetByTestId("precheck").GetAttributeAsync("data-eligible"));
        await PageChecks.AssertFitsWidthAsync(page);

        // A wrong ID number is refused and nothing is created.
        await page.Locator("#cancel-id").FillAsync(host.Owing.IdNumber);
        await page.GetByTestId("cancel-submit").ClickAsync();
        await Assertions.Expect(page.Locator("[data-code='not_eligible']")).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByTestId("problem-blockers").Locator("li[data-code='real_name_mismatch']")).ToBeVisibleAsync();

        await page.Locator("#cancel-id").FillAsync(host.Counter.IdNumber);
        await page.GetByTestId("cancel-submit").ClickAsync();
        await Assertions.Expect(page).ToHaveURLAsync(new Regex("/staff/requests/[0-9a-f-]{36}"));
        await Assertions.Expect(page.GetByTestId("submitted")).ToBeVisibleAsync();
        Assert.Equal(StaffHost.Store, await page.GetByTestId("store").InnerTextAsync());

        // The workers run the steps against the simulators; the page shows the outcome when reloaded.
        await WaitForStatusAsync(page, "completed");
        var number = await page.GetByTestId("certificate-number").InnerTextAsync();
        Assert.StartsWith("LC-", number, StringComparison.Ordinal);
        var download = await page.RunAndWaitForDownloadAsync(() => page.GetByTestId("certificate").ClickAsync());
        Assert.Equal(number + ".pdf", download.SuggestedFilename);
        var pdf = await File.ReadAllBytesAsync((await download.PathAsync())!, Ct);
        Assert.Equal("%PDF-"u8.ToArray(), pdf[..5]);
        Assert.Contains(number, await PdfTextAsync(pdf), StringComparison.Ordinal);

        Assert.Empty(session.CspViolations);
        Assert.DoesNotContain("[[", await page.ContentAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_clerk_from_another_store_acts_only_in_their_own_stores_name()
    {
        await using var session = await host.OpenAsync();
        var page = session.Page;
        await StaffHost.SignInAsync(page, "clerk2");
        await page.GotoAsync($"/staff/counter/{Uri.EscapeDataString(host.OtherStoreLine.Msisdn)}");
        await page.Locator("#cancel-id").FillAsync(host.OtherStoreLine.IdNumber);
        // A tampered form naming BJ-001 changes nothing: the store comes from the clerk's session.
        await page.EvaluateAsync("""
            () => { for (const name of ['storeId', 'StoreId', 'identityCheck.storeId']) {
                const input = document.createElement('input'); input.type = 'hidden'; input.name = name; input.value = 'BJ-001';
                document.querySelector('[data-testid=cancel-submit]').form.appendChild(input); } }
            """);
        await page.GetByTestId("cancel-submit").ClickAsync();
        await Assertions.Expect(page).ToHaveURLAsync(new Regex("/staff/requests/[0-9a-f-]{36}"));
        Assert.Equal(StaffHost.OtherStore, await page.GetByTestId("store").InnerTextAsync());
        var id = Guid.Parse(new Uri(page.Url).AbsolutePath.Split('/')[^1]);

        using var supervisor = await host.StaffAsync("supervisor");
        var request = await supervisor.GetFromJsonAsync<JsonElement>($"/api/v1/cancellations/{id}", Ct);
        Assert.Equal(StaffHost.OtherStore, request.GetProperty("storeId").GetString());
        Assert.Contains("clerk2", request.GetProperty("submittedBy").GetString(), StringComparison.Ordinal);
        Assert.Empty(session.CspViolations);
    }

    [Fact]
    public async Task A_reviewer_approves_one_application_and_rejects_another_whose_owner_sees_the_reason()
    {
        await using var session = await host.OpenAsync();
        var page = session.Page;
        await StaffHost.SignInAsync(page, "reviewer", english: true);
        await page.GetByTestId("nav_review").ClickAsync();
        Assert.Equal("Review queue", await page.Locator("h1").InnerTextAsync());
        var approveId = host.Applications[host.ToApprove.Msisdn];
        var rejectId = host.Applications[host.ToReject.Msisdn];
        // Oldest first.
        var rows = await page.GetByTestId("queue").Locator("tbody tr").EvaluateAllAsync<string[]>("rows => rows.map(r => r.dataset.id)");
        Assert.True(Array.IndexOf(rows, approveId.ToString()) < Array.IndexOf(rows, rejectId.ToString()));

        await page.Locator($"tr[data-id='{approveId}'] a").ClickAsync();
        // The uploaded document beside the application, loaded through the page (an image that decodes).
        var image = page.GetByTestId("document-image");
        await Assertions.Expect(image).ToBeVisibleAsync();
        await Assertions.Expect(image).ToHaveJSPropertyAsync("naturalWidth", 480);
        await page.GetByTestId("approve").ClickAsync();
        await Assertions.Expect(page.GetByTestId("notice")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator($"tr[data-id='{approveId}']")).ToHaveCountAsync(0);

        await page.Locator($"tr[data-id='{rejectId}'] a").ClickAsync();
        // No reason: refused with its code.
        await page.GetByTestId("reject").ClickAsync();
        await Assertions.Expect(page.Locator("[data-code='reason_required']")).ToBeVisibleAsync();
        const string reason = "The photo does not show the ID card; please upload a clear photo of its front.";
        await page.Locator("#reason").FillAsync(reason);
        await page.GetByTestId("reject").ClickAsync();
        await Assertions.Expect(page.GetByTestId("notice")).ToBeVisibleAsync();
        Assert.Empty(session.CspViolations);

        // The owner sees the reason on the request in the portal.
        await using var customer = await host.OpenAsync(width: 360, height: 780);
        await host.CustomerSignInAsync(customer.Page, host.ToReject);
        await customer.Page.GotoAsync($"/portal/cancellations/{rejectId}");
        Assert.Equal("rejected", await customer.Page.GetByTestId("request-status").GetAttributeAsync("data-status"));
        await Assertions.Expect(customer.Page.Locator("main")).ToContainTextAsync(reason);

        using var supervisor = await host.StaffAsync("supervisor");
        var approved = await supervisor.GetFromJsonAsync<JsonElement>($"/api/v1/cancellations/{approveId}", Ct);
        Assert.Contains(approved.GetProperty("status").GetString(), new[] { "approved", "scheduled", "executing", "completed" });
    }

    [Fact]
    public async Task The_call_centre_shows_nothing_of_a_line_until_the_caller_is_verified()
    {
        await using var session = await host.OpenAsync(width: 360, height: 780);
        var page = session.Page;
        await StaffHost.SignInAsync(page, "agent");
        await page.GetByTestId("nav_calls").ClickAsync();
        await page.Locator("#find-msisdn").FillAsync(host.Caller.Typed);
        await page.GetByTestId("find").ClickAsync();

        await Assertions.Expect(page.GetByTestId("gate")).ToBeVisibleAsync();
        var before = await page.ContentAsync();
        Assert.DoesNotContain(host.Caller.Name, before, StringComparison.Ordinal);
        await Assertions.Expect(page.GetByTestId("line-card")).ToHaveCountAsync(0);
        await Assertions.Expect(page.GetByTestId("precheck")).ToHaveCountAsync(0);
        // Other doors stay shut too: the counter (clerks only) and the request list.
        Assert.Equal(403, (await page.GotoAsync($"/staff/counter/{Uri.EscapeDataString(host.Caller.Msisdn)}"))!.Status);
        await page.GotoAsync($"/staff/calls/{Uri.EscapeDataString(host.Caller.Msisdn)}");

        await page.GetByTestId("send-code").ClickAsync();
        await Assertions.Expect(page.GetByTestId("code-sent")).ToBeVisibleAsync();
        var code = await host.LatestCodeAsync(host.Caller.Msisdn);
        // A wrong password shows the failure and still nothing of the line.
        await page.Locator("#caller-password").FillAsync("000000");
        await page.Locator("#caller-otp").FillAsync(code);
        await page.GetByTestId("verify").ClickAsync();
        await Assertions.Expect(page.Locator("[data-code='invalid_credentials']")).ToBeVisibleAsync();
        Assert.DoesNotContain(host.Caller.Name, await page.ContentAsync(), StringComparison.Ordinal);

        await page.GetByTestId("send-code").ClickAsync();
        code = await host.LatestCodeAsync(host.Caller.Msisdn);
        await page.Locator("#caller-password").FillAsync(host.Caller.Password);
        await page.Locator("#caller-otp").FillAsync(code);
        await page.GetByTestId("verify").ClickAsync();
        await Assertions.Expect(page.GetByTestId("verified")).ToBeVisibleAsync();
        Assert.Equal(host.Caller.Name, await page.GetByTestId("owner").InnerTextAsync());
        var masked = await page.GetByTestId("owner-id").InnerTextAsync();
        Assert.Contains("*", masked, StringComparison.Ordinal);
        Assert.DoesNotContain(host.Caller.IdNumber, await page.ContentAsync(), StringComparison.Ordinal);
        await PageChecks.AssertFitsWidthAsync(page);

        await page.GetByTestId("apply").ClickAsync();
        await Assertions.Expect(page).ToHaveURLAsync(new Regex("/staff/requests/[0-9a-f-]{36}"));
        Assert.Equal("under_review", await page.GetByTestId("request-status").GetAttributeAsync("data-status"));
        Assert.Empty(session.CspViolations);
        Assert.DoesNotContain("[[", await page.ContentAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_clerk_suspends_resumes_and_transfers_a_line_at_the_counter()
    {
        await using var session = await host.OpenAsync(width: 360, height: 780);
        var page = session.Page;
        await StaffHost.SignInAsync(page, "clerk", english: true);
        await page.GotoAsync($"/staff/counter/{Uri.EscapeDataString(host.Transfer.Msisdn)}");
        await page.GetByTestId("suspend").ClickAsync();
        await Assertions.Expect(page.GetByTestId("notice")).ToBeVisibleAsync();
        Assert.Equal("suspended", await page.GetByTestId("line-status").GetAttributeAsync("data-status"));
        await page.GetByTestId("resume").ClickAsync();
        await Assertions.Expect(page.GetByTestId("line-status")).ToHaveAttributeAsync("data-status", "active");

        await page.GetByTestId("transfer-link").ClickAsync();
        await page.Locator("#t-name").FillAsync(BrowserHost.LongName);
        await page.Locator("#t-id").FillAsync(host.NewOwnerIdNumber);
        await page.Locator("#t-pw").FillAsync("20262026");
        // The current owner's ID must match the line's owner.
        await page.Locator("#t-owner-id").FillAsync(host.Owing.IdNumber);
        await page.GetByTestId("transfer-submit").ClickAsync();
        await Assertions.Expect(page.Locator("[data-code='real_name_mismatch']")).ToBeVisibleAsync();
        await page.Locator("#t-pw").FillAsync("20262026");
        await page.Locator("#t-owner-id").FillAsync(host.Transfer.IdNumber);
        await page.GetByTestId("transfer-submit").ClickAsync();
        await Assertions.Expect(page.GetByTestId("transferred")).ToContainTextAsync(BrowserHost.LongName);
        Assert.Equal(BrowserHost.LongName, await page.GetByTestId("owner").InnerTextAsync());
        Assert.DoesNotContain(host.NewOwnerIdNumber, await page.ContentAsync(), StringComparison.Ordinal);
        await PageChecks.AssertFitsWidthAsync(page);
        Assert.Empty(session.CspViolations);
        Assert.DoesNotContain("[[", await page.ContentAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_reviewer_cannot_open_admin_or_supervisor_pages()
    {
        await using var session = await host.OpenAsync();
        var page = session.Page;
        await StaffHost.SignInAsync(page, "reviewer");
        foreach (var path in new[] { "/staff/admin", "/staff/admin/staff", "/staff/admin/partners", "/staff/admin/policies", "/staff/supervision", "/staff/supervision/audit", "/staff/counter" })
        {
            var response = await page.GotoAsync(path);
            Assert.Equal(403, response!.Status);
        }
        await Assertions.Expect(page.GetByTestId("nav_admin")).ToHaveCountAsync(0);
        // The friendly 403 page leads back into the console, not to the customer portal.
        Assert.Equal("/staff", await page.GetByTestId("back-home").GetAttributeAsync("href"));
        // A form posted without its antiforgery token (a forged cross-site request) is refused, even by a signed-in reviewer.
        var form = session.Context.APIRequest.CreateFormData();
        form.Set("reason", "forged");
        var forged = await session.Context.APIRequest.PostAsync($"/staff/review/{host.Applications[host.ToReject.Msisdn]}?handler=Reject",
            new() { Form = form, MaxRedirects = 0 });
        Assert.Equal(400, forged.Status);
        // Signed out, the console sends people to the staff sign-in.
        await using var anonymous = await host.OpenAsync();
        await anonymous.Page.GotoAsync("/staff/admin");
        Assert.Contains("/staff/signin?returnUrl=%2Fstaff%2Fadmin", anonymous.Page.Url, StringComparison.Ordinal);
    }

    /// <summary>Reloads the request page until its status is <paramref name="status"/> (the workers run in the background).</summary>
    private static async Task WaitForStatusAsync(IPage page, string status) =>
        await BrowserHost.EventuallyAsync($"The request page showing {status}",
            async () =>
            {
                await page.ReloadAsync();
                return await page.GetByTestId("request-status").GetAttributeAsync("data-status");
            },
            shown => shown == status);

    private static async Task<string> PdfTextAsync(byte[] pdf)
    {
        var file = Path.Combine(Path.GetTempPath(), $"lastcall-{Guid.NewGuid():N}.pdf");
        await File.WriteAllBytesAsync(file, pdf, Ct);
        try
        {
            using var process = Process.Start(new ProcessStartInfo("pdftotext", ["-enc", "UTF-8", file, "-"]) { RedirectStandardOutput = true, UseShellExecute = false })!;
            var text = await process.StandardOutput.ReadToEndAsync(Ct);
            await process.WaitForExitAsync(Ct);
            return text;
        }
        finally
        {
            File.Delete(file);
        }
    }
}
