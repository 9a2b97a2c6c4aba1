using System.Net;
using System.Text.Json;
using LastCall.Data;
using LastCall.Tests.Features.Cancellations;
using LastCall.TestSupport;
using Microsoft.EntityFrameworkCore;

namespace LastCall.Tests.Features.Tmf;

/// <summary>
/// The TMF637 event hub on both providers: a CRM registers a listener and a real receiver on loopback gets a
/// <c>ProductStateChangeEvent</c> for every product status change, whoever made it (its own order, the execution's
/// disconnect step, a customer suspending the line), signed per Standard Webhooks with the secret the registration
/// returned, and valid against the TMF637 v5 schema. Unregistered, it hears nothing more.
/// </summary>
public sealed class ProductEventTests(PostgresCluster postgres)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static JsonElement Product(ReceivedWebhook message) => JsonDocument.Parse(message.Body).RootElement.GetProperty("event").GetProperty("product");

    [Theory]
    [MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task Listener_ReceivesSignedProductStateChangeEvents_UntilItUnregisters(DatabaseProvider provider)
    {
        await using var h = await TmfHarness.StartAsync(postgres, provider, execution: true);
        var receiver = h.Receiver!;
        var line = await h.AddLineAsync();
        var productId = await h.ProductIdAsync(line);

        // Only ProductStateChangeEvent is published, and the callback is checked like any webhook URL.
        Assert.Equal("unsupported_query", (await CancellationApi.PostAsync(h.Bss, TmfHarness.HubPath, new { callback = receiver.Url, query = "eventType=ProductDeleteEvent" })).Code);
        var internalCallback = await CancellationApi.PostAsync(h.Bss, TmfHarness.HubPath, new { callback = "https://169.254.169.254/latest" });
        Assert.Equal((HttpStatusCode.UnprocessableEntity, "webhook_url_not_allowed"), (internalCallback.Status, internalCallback.Code));
        TmfSchemas.AssertValid(TmfSchemas.ProductInventory, "Error", internalCallback.Body);

        var registered = await CancellationApi.PostAsync(h.Bss, TmfHarness.HubPath, new { callback = receiver.Url, query = "eventType=ProductStateChangeEvent" });
        Assert.Equal(HttpStatusCode.Created, registered.Status);
        TmfSchemas.AssertValid(TmfSchemas.ProductInventory, "Hub", registered.Body);
        Assert.Equal(receiver.Url, registered.Text("callback"));
        var secret = registered.Text("secret");
        Assert.StartsWith("whsec_", secret, StringComparison.Ordinal);
        var second = await CancellationApi.PostAsync(h.Bss, TmfHarness.HubPath, new { callback = receiver.Url });
        Assert.Equal((HttpStatusCode.Conflict, "hub_exists"), (second.Status, second.Code));

        // The CRM's own order: the product goes pendingTerminate, then terminated when the reviewer's approval has run.
        var orderId = (await h.PlaceOrderAsync(TmfHarness.TerminationOrder(productId))).Id;
        var pending = await receiver.WaitForAsync(r => r.Count >= 1);
        Assert.Equal("pendingTerminate", Product(pending[0]).GetProperty("status").GetString());
        var reviewer = await h.Host.StaffAsync("reviewer");
        Assert.Equal(HttpStatusCode.OK, (await CancellationApi.ApproveAsync(reviewer, orderId)).Status);
        var both = await receiver.WaitForAsync(r => r.Count >= 2, 60);
        await h.WaitForOrderStateAsync(orderId, "completed");

        Assert.Equal(2, both.Count);
        Assert.All(both, m => Assert.Null(StandardWebhooksVerifier.Verify(secret, m, DateTimeOffset.UtcNow)));
        Assert.All(both, m => TmfSchemas.AssertValid(TmfSchemas.ProductInventory, "ProductStateChangeEvent", m.Body));
        Assert.Equal(["pendingTerminate", "terminated"], both.Select(m => Product(m).GetProperty("status").GetString()));
        Assert.All(both, m => Assert.Equal(productId.ToString(), Product(m).GetProperty("id").GetString()));
        var terminated = JsonDocument.Parse(both[1].Body).RootElement;
        Assert.Equal("ProductStateChangeEvent", terminated.GetProperty("eventType").GetString());
        Assert.True(Product(both[1]).TryGetProperty("terminationDate", out _));
        Assert.NotEqual(terminated.GetProperty("eventId").GetString(), JsonDocument.Parse(both[0].Body).RootElement.GetProperty("eventId").GetString());
        Assert.NotEqual(both[0].Id, both[1].Id);

        // A change the CRM did not make reaches it too: the owner suspends another line.
        var other = await h.AddLineAsync();
        var owner = await h.Host.CustomerAsync(other);
        Assert.Equal(HttpStatusCode.Created, (await CancellationApi.PostAsync(owner, $"/api/v1/lines/{Uri.EscapeDataString(other.Msisdn)}/suspension")).Status);
        var three = await receiver.WaitForAsync(r => r.Count >= 3);
        Assert.Equal("suspended", Product(three[2]).GetProperty("status").GetString());
        Assert.Equal((await h.ProductIdAsync(other)).ToString(), Product(three[2]).GetProperty("id").GetString());
        Assert.Null(StandardWebhooksVerifier.Verify(secret, three[2], DateTimeOffset.UtcNow));

        // An ordinary partner hears none of it; it is a bss listener's feed.
        await using (var db = h.Host.Database.CreateContext())
        {
            Assert.Equal(3, await db.WebhookDeliveries.CountAsync(d => d.EventType == "ProductStateChangeEvent", Ct));
            Assert.Equal(3, await db.WebhookDeliveries.CountAsync(d => d.PartnerId == h.BssId, Ct));
        }

        // Unregistered: another client cannot remove it, the owner can once, and nothing more arrives.
        var hubId = registered.Text("id");
        var (_, otherCrm) = await TmfHarness.CreatePartnerAsync(h.Scenario, "Other CRM", ["bss"]);
        using (otherCrm)
            Assert.Equal(HttpStatusCode.NotFound, (await CancellationApi.SendAsync(otherCrm, HttpMethod.Delete, $"{TmfHarness.HubPath}/{hubId}")).Status);
        Assert.Equal(HttpStatusCode.NoContent, (await CancellationApi.SendAsync(h.Bss, HttpMethod.Delete, $"{TmfHarness.HubPath}/{hubId}")).Status);
        var gone = await CancellationApi.SendAsync(h.Bss, HttpMethod.Delete, $"{TmfHarness.HubPath}/{hubId}");
        Assert.Equal((HttpStatusCode.NotFound, "hub_not_found"), (gone.Status, gone.Code));
        Assert.Equal(HttpStatusCode.OK, (await CancellationApi.SendAsync(owner, HttpMethod.Delete, $"/api/v1/lines/{Uri.EscapeDataString(other.Msisdn)}/suspension")).Status);
        Assert.Equal("active", (await h.GetProductAsync(await h.ProductIdAsync(other))).Text("status"));
        await using (var db = h.Host.Database.CreateContext())
            Assert.Equal(3, await db.WebhookDeliveries.CountAsync(d => d.EventType == "ProductStateChangeEvent", Ct));
        Assert.Equal(3, receiver.Received.Count);

        // Registered again with a new secret: it listens from then on.
        var again = await CancellationApi.PostAsync(h.Bss, TmfHarness.HubPath, new { callback = receiver.Url });
        Assert.Equal(HttpStatusCode.Created, again.Status);
        Assert.NotEqual(secret, again.Text("secret"));

        var actions = await AuditActionsAsync(h, h.BssId.ToString());
        Assert.Equal(["tmf.hub_registered", "tmf.hub_unregistered", "tmf.hub_registered"], actions);
    }

    private static async Task<List<string>> AuditActionsAsync(TmfHarness h, string subject)
    {
        await using var db = h.Host.Database.CreateContext();
        var actions = await db.AuditEvents.AsNoTracking().Where(e => e.Subject == subject).OrderBy(e => e.Id).Select(e => e.Action).ToListAsync(Ct);
        return [.. actions.Where(a => a.StartsWith("tmf.", StringComparison.Ordinal))];
    }
}
