using System.Net;
using System.Text.Json;
using LastCall.Data;
using LastCall.TestSupport;
using static LastCall.Tests.Features.Cancellations.CancellationApi;

namespace LastCall.Tests.Features.Cancellations;

/// <summary>
/// Before anything is executed the owner is told, on every contact channel we hold, when the
/// cancellation takes effect and where to stop it (DESIGN.md, Flow 2).
/// </summary>
[Collection(CancellationCollection.Name)]
public sealed class CancellationNoticeTests(CancellationHosts hosts)
{
    private const string PortalUrl = "http://localhost:5080";

    private static JsonElement Approved(IEnumerable<JsonElement> messages) =>
        Assert.Single(messages, m => m.GetProperty("template").GetString() == "cancellation_approved");

    [Theory]
    [MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task Approve_OwnerWithEmail_ToldBySmsAndEmailWithEffectiveDateAndWithdrawLink(DatabaseProvider provider)
    {
        var host = await hosts.ForAsync(provider);
        var email = $"owner-{Guid.NewGuid():N}@example.com";
        var line = await host.AddLineAsync(new LineSpec { Language = "en", Email = email });
        var id = await SubmitOnlineAsync(host, line, "end_of_billing_cycle");

        var approved = await ApproveAsync(await host.StaffAsync("reviewer"), id);

        Assert.Equal(HttpStatusCode.OK, approved.Status);
        Assert.Equal("scheduled", approved.Text("status"));
        var effectiveOn = approved.Text("effectiveOn");
        var link = $"{PortalUrl}/cancellations/{id}";
        var sms = Approved(await MessagesAsync(host.Scenario, line.Msisdn));
        Assert.Equal("sms", sms.GetProperty("channel").GetString());
        Assert.Equal("en", sms.GetProperty("language").GetString());
        var smsBody = sms.GetProperty("body").GetString()!;
        Assert.Contains($"takes effect on {effectiveOn}", smsBody, StringComparison.Ordinal);
        Assert.Contains(link, smsBody, StringComparison.Ordinal);
        // The full number never goes out in a notice.
        Assert.DoesNotContain(line.Msisdn, smsBody, StringComparison.Ordinal);

        var mail = Approved(await MessagesAsync(host.Scenario, email));
        Assert.Equal("email", mail.GetProperty("channel").GetString());
        Assert.Contains(effectiveOn, mail.GetProperty("subject").GetString()!, StringComparison.Ordinal);
        Assert.Contains($"takes effect on {effectiveOn}", mail.GetProperty("body").GetString()!, StringComparison.Ordinal);
        Assert.Contains(link, mail.GetProperty("body").GetString()!, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Approve_OwnerWithoutEmail_ToldBySmsInChinese_NoEmail()
    {
        var host = await hosts.SqliteAsync();
        var line = await host.AddLineAsync();
        var id = await SubmitOnlineAsync(host, line, "immediate");

        var approved = await ApproveAsync(await host.StaffAsync("reviewer"), id);

        Assert.Equal("approved", approved.Text("status"));
        var effectiveOn = approved.Text("effectiveOn");
        var link = $"{PortalUrl}/cancellations/{id}";
        var sms = Approved(await MessagesAsync(host.Scenario, line.Msisdn));
        Assert.Equal("zh-CN", sms.GetProperty("language").GetString());
        var body = sms.GetProperty("body").GetString()!;
        Assert.Contains($"将于 {effectiveOn} 生效", body, StringComparison.Ordinal);
        Assert.Contains(link, body, StringComparison.Ordinal);
        var everything = await MessagesAsync(host.Scenario, "");
        Assert.DoesNotContain(everything, m => m.GetProperty("channel").GetString() == "email" && m.GetProperty("body").GetString()!.Contains(link, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Submit_InStoreEndOfCycle_OwnerToldTheDayAndTheWithdrawLink()
    {
        var host = await hosts.SqliteAsync();
        var line = await host.AddLineAsync(new LineSpec { Language = "en" });

        var submitted = await SubmitInStoreAsync(host, line, "end_of_billing_cycle");

        Assert.Equal(HttpStatusCode.Created, submitted.Status);
        var body = Approved(await MessagesAsync(host.Scenario, line.Msisdn)).GetProperty("body").GetString()!;
        Assert.Contains($"takes effect on {submitted.Text("effectiveOn")}", body, StringComparison.Ordinal);
        Assert.Contains($"before {submitted.Text("effectiveOn")}", body, StringComparison.Ordinal);
        Assert.Contains($"{PortalUrl}/cancellations/{submitted.Id}", body, StringComparison.Ordinal);
    }
}
