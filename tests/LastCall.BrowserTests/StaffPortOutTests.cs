using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Playwright;

namespace LastCall.BrowserTests;

/// <summary>
/// A port-out in Chromium: the admin creates the recipient operator's porting client in the console, the port-out runs,
/// and staff find it on the request page (kind, channel, recipient, the hand-over step) and on the line's page
/// (ported out, with the port-out in its history).
/// </summary>
[Collection(StaffCollection.Name)]
public sealed partial class StaffPortOutTests(StaffHost host)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [GeneratedRegex(@"\b[0-9A-Z]{4}-[0-9A-Z]{4}\b")]
    private static partial Regex PortCode();

    [Fact]
    public async Task A_port_out_shows_on_the_request_page_and_in_the_lines_history()
    {
        string apiKey;
        await using (var admin = await host.OpenAsync())
        {
            await StaffHost.SignInAsync(admin.Page, "admin", english: true);
            await admin.Page.GotoAsync("/staff/admin/partners");
            await admin.Page.Locator("#partner-name").FillAsync("Recipient Mobile");
            await admin.Page.GetByTestId("partner-porting").CheckAsync();
            await admin.Page.GetByTestId("create-partner").ClickAsync();
            apiKey = (await admin.Page.GetByTestId("api-key").InnerTextAsync()).Trim();
            await Assertions.Expect(admin.Page.Locator("section[data-partner='Recipient Mobile']").GetByTestId("partner-scope-porting")).ToHaveTextAsync("Porting client (port-outs only)");
            Assert.Empty(admin.CspViolations);
        }

        // The owner has the code texted to the line and gives it to the recipient operator, which ports the number out.
        var line = host.Porting;
        using (var owner = await host.CustomerAsync(line))
            (await owner.PostAsync($"/api/v1/lines/{Uri.EscapeDataString(line.Msisdn)}/port-authorization", null, Ct)).EnsureSuccessStatusCode();
        var messages = await host.Api.GetFromJsonAsync<JsonElement>($"/api/v1/dev/messages?to={Uri.EscapeDataString(line.Msisdn)}", Ct);
        var code = messages.EnumerateArray().Select(m => PortCode().Match(m.GetProperty("body").GetString()!)).First(m => m.Success).Value;
        using var porting = host.Client(apiKey);
        using var submitted = await porting.PostAsJsonAsync("/api/v1/porting/port-outs", new { msisdn = line.Msisdn, authorizationCode = code, recipientOperator = "Recipient Mobile" }, Ct);
        Assert.True(submitted.IsSuccessStatusCode, await submitted.Content.ReadAsStringAsync(Ct));
        var id = (await submitted.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("id").GetGuid();

        await using var clerk = await host.OpenAsync();
        await StaffHost.SignInAsync(clerk.Page, "clerk", english: true);
        await clerk.Page.GotoAsync($"/staff/requests/{id}");
        await Assertions.Expect(clerk.Page.GetByTestId("kind")).ToHaveTextAsync("Port-out to Recipient Mobile");
        await Assertions.Expect(clerk.Page.GetByTestId("channel")).ToHaveTextAsync("Port-out (recipient operator)");
        // The execution runs in the host: reload until it has completed.
        var status = clerk.Page.GetByTestId("request-status");
        for (var i = 0; i < 120 && await status.GetAttributeAsync("data-status") != "completed"; i++)
        {
            await Task.Delay(250, Ct);
            await clerk.Page.ReloadAsync();
        }
        await Assertions.Expect(status).ToHaveAttributeAsync("data-status", "completed");
        await Assertions.Expect(clerk.Page.Locator("li[data-step='hand_over_number']")).ToContainTextAsync("Hand the number over to the new operator");
        await Assertions.Expect(clerk.Page.GetByTestId("certificate")).ToHaveCountAsync(0);

        await clerk.Page.GotoAsync($"/staff/counter/{Uri.EscapeDataString(line.Msisdn)}");
        await Assertions.Expect(clerk.Page.GetByTestId("line-status")).ToHaveAttributeAsync("data-status", "ported_out");
        await Assertions.Expect(clerk.Page.GetByTestId("line-status")).ToHaveTextAsync("Ported out");
        await Assertions.Expect(clerk.Page.Locator($"a[href='/staff/requests/{id}']")).ToHaveTextAsync("Port-out (recipient operator)");
        Assert.Empty(clerk.CspViolations);
    }
}
