using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Playwright;

namespace LastCall.BrowserTests;

/// <summary>
/// A termination the operator's CRM orders through TMF622 (channel <c>bss</c>) in Chromium: the reviewer's queue and
/// request page name the channel like the others, and the supervisor's channel chart counts it in its own colour.
/// </summary>
[Collection(StaffCollection.Name)]
public sealed class StaffBssTests(StaffHost host)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_CRM_order_shows_as_channel_BSS_in_the_review_queue_and_the_supervisors_chart_counts_it()
    {
        // The admin creates the CRM's key in the console, as a BSS client.
        string apiKey;
        await using (var admin = await host.OpenAsync())
        {
            await StaffHost.SignInAsync(admin.Page, "admin", english: true);
            await admin.Page.GotoAsync("/staff/admin/partners");
            await admin.Page.Locator("#partner-name").FillAsync("CRM");
            await admin.Page.GetByTestId("partner-bss").CheckAsync();
            await admin.Page.GetByTestId("create-partner").ClickAsync();
            apiKey = (await admin.Page.GetByTestId("api-key").InnerTextAsync()).Trim();
            await Assertions.Expect(admin.Page.Locator("section[data-partner='CRM']").GetByTestId("partner-scope")).ToHaveTextAsync("BSS client (TM Forum APIs only)");
            Assert.Empty(admin.CspViolations);
        }

        // The CRM finds the line among the products and orders its termination.
        using var crm = host.Client(apiKey);
        var products = await crm.GetFromJsonAsync<JsonElement>("/tmf-api/productInventory/v5/product?limit=1000", Ct);
        var product = products.EnumerateArray().Single(p => p.GetProperty("productCharacteristic").EnumerateArray()
            .Any(c => c.GetProperty("name").GetString() == "msisdn" && c.GetProperty("value").GetString() == host.Crm.Msisdn));
        using var ordered = await crm.PostAsJsonAsync("/tmf-api/productOrdering/v5/productOrder", new
        {
            productOrderItem = new[] { new { id = "1", action = "delete", product = new { id = product.GetProperty("id").GetString() } } },
        }, Ct);
        Assert.True(ordered.IsSuccessStatusCode, await ordered.Content.ReadAsStringAsync(Ct));
        var orderId = (await ordered.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("id").GetString();

        await using var reviewer = await host.OpenAsync();
        await StaffHost.SignInAsync(reviewer.Page, "reviewer", english: true);
        await reviewer.Page.GetByTestId("nav_review").ClickAsync();
        var row = reviewer.Page.Locator($"tr[data-id='{orderId}']");
        await Assertions.Expect(row).ToContainTextAsync("BSS (CRM order)");
        await Assertions.Expect(row).ToContainTextAsync("Ordered by the operator's BSS");
        await row.Locator("a").ClickAsync();
        var application = reviewer.Page.GetByTestId("application");
        await Assertions.Expect(application).ToContainTextAsync("BSS (CRM order)");
        await Assertions.Expect(application).ToContainTextAsync("Order from the operator's BSS");
        await Assertions.Expect(reviewer.Page.GetByTestId("approve")).ToBeVisibleAsync();
        Assert.Empty(reviewer.CspViolations);

        await using var supervisor = await host.OpenAsync();
        await StaffHost.SignInAsync(supervisor.Page, "supervisor", english: true);
        await supervisor.Page.GetByTestId("nav_dashboard").ClickAsync();
        var chart = supervisor.Page.GetByTestId("chart-channel");
        Assert.True(await chart.Locator("svg rect.s-bss").CountAsync() >= 1);
        await Assertions.Expect(chart.Locator(".legend .s-bss")).ToHaveCountAsync(1);
        var table = supervisor.Page.GetByTestId("table-channel");
        await Assertions.Expect(table.Locator("thead th").Nth(4)).ToHaveTextAsync("BSS (CRM order)");
        var bssToday = int.Parse(await table.Locator("tbody tr").Last.Locator("td").Nth(3).InnerTextAsync(), System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(bssToday >= 1);
        // The swatch has a colour of its own (the stylesheet knows the channel).
        var fill = await chart.Locator("svg rect.s-bss").First.EvaluateAsync<string>("r => getComputedStyle(r).fill");
        Assert.Equal("rgb(106, 61, 154)", fill);
        Assert.Empty(supervisor.CspViolations);
    }
}
