using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using LastCall.Data;
using LastCall.Domain.Common;
using LastCall.Domain.Partners;
using LastCall.TestSupport;
using Microsoft.EntityFrameworkCore;

namespace LastCall.Tests.Features.Lines;

/// <summary>
/// The new holder of a recycled number asks partners to drop the previous holder's accounts (API.md, "Recycling
/// notices"): every app with a webhook and every partner bound to the number hears <c>unbinding.requested</c> with
/// <c>reason:"new_holder"</c> over real HTTP, signed; an ack ends only the bindings from before the new holder.
/// </summary>
public sealed class PreviousHolderUnbindingTests(PostgresCluster postgres)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static JsonElement Data(ReceivedWebhook m) => JsonDocument.Parse(m.Body).RootElement.GetProperty("data");

    [Theory]
    [MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task NewHolder_AsksEveryAppAndBinder_AcksShowUp_OnlyThePreviousHoldersBindingsEnd(DatabaseProvider provider)
    {
        await using var h = await PartnerWebhookHarness.StartAsync(postgres, provider);
        var line = h.Scenario.CustomerA;
        var number = Msisdn.Parse(line.Msisdn);
        using var owner = await h.Scenario.CustomerAsync(line);
        var activatedOn = (await owner.GetFromJsonAsync<JsonElement>($"/api/v1/lines/{Uri.EscapeDataString(line.Msisdn)}", Ct))
            .GetProperty("activatedOn").GetString()!;

        // The bank watched the number in the previous holder's time.
        await using (var db = h.Scenario.Database.CreateContext())
        {
            var before = new DateTimeOffset(DateOnly.Parse(activatedOn, System.Globalization.CultureInfo.InvariantCulture).AddDays(-30).ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
            db.Bindings.Add(Binding.Watch(h.PartnerId, number, before));
            await db.SaveChangesAsync(Ct);
        }
        // An app with a webhook and no binding is asked too; a partner without a webhook or binding is not.
        var (_, app) = await PartnerWebhookHarness.CreatePartnerAsync(h.Scenario, "Chat App");
        var appSecret = await PartnerWebhookHarness.SetWebhookAsync(app, h.Receiver.Url);
        var (_, silent) = await PartnerWebhookHarness.CreatePartnerAsync(h.Scenario, "Silent Partner");
        silent.Dispose();

        var path = $"/api/v1/lines/{Uri.EscapeDataString(line.Msisdn)}/previous-holder-unbinding";
        using (var stranger = await h.Scenario.CustomerAsync(h.Scenario.CustomerB))
        {
            var refused = await stranger.PostAsync(path, null, Ct);
            Assert.Equal(HttpStatusCode.NotFound, refused.StatusCode);
            Assert.Equal("line_not_found", (await refused.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("code").GetString());
        }
        var notYet = await owner.GetAsync(path, Ct);
        Assert.Equal(HttpStatusCode.NotFound, notYet.StatusCode);
        Assert.Equal("previous_holder_unbinding_not_found", (await notYet.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("code").GetString());

        var asked = await owner.PostAsync(path, null, Ct);
        Assert.Equal(HttpStatusCode.Accepted, asked.StatusCode);
        var view = await asked.Content.ReadFromJsonAsync<JsonElement>(Ct);
        var id = view.GetProperty("id").GetGuid();
        Assert.Equal(activatedOn, view.GetProperty("boundBefore").GetString());
        Assert.Equal(["Bank of Tests", "Chat App"], view.GetProperty("partners").EnumerateArray().Select(p => p.GetProperty("partner").GetString()));
        Assert.All(view.GetProperty("partners").EnumerateArray(), p =>
            Assert.True(!p.TryGetProperty("acknowledgedAt", out var at) || at.ValueKind == JsonValueKind.Null));

        // Each partner gets its own signed request, naming the day before which accounts are the previous holder's.
        var received = await h.Receiver.WaitForAsync(r => r.Count >= 2);
        Assert.Equal(2, received.Count);
        Assert.All(received, m => Assert.True(
            StandardWebhooksVerifier.Verify(h.Secret, m, DateTimeOffset.UtcNow) is null || StandardWebhooksVerifier.Verify(appSecret, m, DateTimeOffset.UtcNow) is null));
        Assert.All(received, m =>
        {
            Assert.Equal("unbinding.requested", JsonDocument.Parse(m.Body).RootElement.GetProperty("type").GetString());
            Assert.Equal(line.Msisdn, Data(m).GetProperty("msisdn").GetString());
            Assert.Equal("new_holder", Data(m).GetProperty("reason").GetString());
            Assert.Equal(activatedOn, Data(m).GetProperty("boundBefore").GetString());
        });
        var bankMessage = Assert.Single(received, m => StandardWebhooksVerifier.Verify(h.Secret, m, DateTimeOffset.UtcNow) is null);
        var bankRequestId = Data(bankMessage).GetProperty("id").GetGuid();
        var appRequestId = Data(Assert.Single(received, m => m != bankMessage)).GetProperty("id").GetGuid();

        // Asking again answers the same request and asks nobody twice.
        var again = await owner.PostAsync(path, null, Ct);
        Assert.Equal(HttpStatusCode.Accepted, again.StatusCode);
        Assert.Equal(id, (await again.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("id").GetGuid());

        // The bank acknowledges: its binding from the previous holder's time ends. The app watches the number for the new
        // holder and then acknowledges: its binding, made after the new holder's activation, stays.
        var ack = await h.Partner.PostAsync($"/api/v1/partner/unbinding-requests/{bankRequestId}/ack", null, Ct);
        Assert.Equal(HttpStatusCode.OK, ack.StatusCode);
        var acked = await ack.Content.ReadFromJsonAsync<JsonElement>(Ct);
        Assert.Equal("new_holder", acked.GetProperty("reason").GetString());
        Assert.Equal(activatedOn, acked.GetProperty("boundBefore").GetString());
        Assert.True(!acked.TryGetProperty("cancellationId", out var cancellation) || cancellation.ValueKind == JsonValueKind.Null);
        Assert.Equal(0, (await h.Partner.GetFromJsonAsync<JsonElement>("/api/v1/partner/watchlist", Ct)).GetProperty("total").GetInt32());
        (await app.PutAsync($"/api/v1/partner/watchlist/{Uri.EscapeDataString(line.Msisdn)}", null, Ct)).EnsureSuccessStatusCode();
        (await app.PostAsync($"/api/v1/partner/unbinding-requests/{appRequestId}/ack", null, Ct)).EnsureSuccessStatusCode();
        Assert.Equal(1, (await app.GetFromJsonAsync<JsonElement>("/api/v1/partner/watchlist", Ct)).GetProperty("total").GetInt32());

        // The owner sees who has acknowledged; the request, the fan-out and the ack are audited.
        var shown = await owner.GetFromJsonAsync<JsonElement>(path, Ct);
        var partners = shown.GetProperty("partners").EnumerateArray().ToDictionary(p => p.GetProperty("partner").GetString()!);
        Assert.Equal(JsonValueKind.String, partners["Bank of Tests"].GetProperty("acknowledgedAt").ValueKind);
        Assert.Equal(JsonValueKind.String, partners["Chat App"].GetProperty("acknowledgedAt").ValueKind);
        await using (var db = h.Scenario.Database.CreateContext())
        {
            var requested = await db.AuditEvents.AsNoTracking().Where(e => e.Action == "line.previous_holder_unbinding_requested").ToListAsync(Ct);
            Assert.Contains(id.ToString(), Assert.Single(requested).After, StringComparison.Ordinal);
            Assert.Equal(2, await db.AuditEvents.CountAsync(e => e.Action == "partner.unbinding_acknowledged", Ct));
            Assert.Equal(2, await db.UnbindingRequests.CountAsync(r => r.PreviousHolderUnbindingId == id, Ct));
        }
        app.Dispose();
    }

    [Theory]
    [MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task TwoRacingRequests_AskOnce(DatabaseProvider provider)
    {
        await using var h = await PartnerWebhookHarness.StartAsync(postgres, provider);
        using var owner = await h.Scenario.CustomerAsync(h.Scenario.CustomerA);
        var path = $"/api/v1/lines/{Uri.EscapeDataString(h.Scenario.CustomerA.Msisdn)}/previous-holder-unbinding";

        var answers = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => owner.PostAsync(path, null, Ct)));

        Assert.All(answers, a => Assert.Equal(HttpStatusCode.Accepted, a.StatusCode));
        var ids = await Task.WhenAll(answers.Select(async a => (await a.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("id").GetGuid()));
        Assert.Single(ids.Distinct());
        await using var db = h.Scenario.Database.CreateContext();
        Assert.Equal(1, await db.PreviousHolderUnbindings.CountAsync(Ct));
        Assert.Equal(1, await db.UnbindingRequests.CountAsync(Ct));
    }
}
