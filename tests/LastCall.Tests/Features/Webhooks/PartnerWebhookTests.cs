using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using LastCall.Data;
using LastCall.Domain.Partners;
using LastCall.TestSupport;
using Microsoft.EntityFrameworkCore;

namespace LastCall.Tests.Features.Webhooks;

/// <summary>
/// Partner webhooks end to end: a real receiver on loopback, cancellations run by the execution
/// workers, deliveries signed per Standard Webhooks and checked with a verifier written from the spec.
/// </summary>
public sealed class PartnerWebhookTests(PostgresCluster postgres)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static JsonElement Json(string body) => JsonDocument.Parse(body).RootElement;

    private static string Type(ReceivedWebhook m) => Json(m.Body).GetProperty("type").GetString()!;

    [Theory]
    [MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task Cancellation_OfAWatchedNumber_SendsSignedEvents_AndTheCustomerSeesTheAcknowledgement(DatabaseProvider provider)
    {
        await using var h = await PartnerWebhookHarness.StartAsync(postgres, provider);
        var line = h.Scenario.CustomerA;
        var path = $"/api/v1/partner/watchlist/{Uri.EscapeDataString(line.Msisdn)}";
        Assert.Equal(HttpStatusCode.Created, (await h.Partner.PutAsync(path, null, Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await h.Partner.PutAsync(path, null, Ct)).StatusCode);
        // A second partner without a binding hears nothing; one watching another number neither.
        var (_, bystander) = await PartnerWebhookHarness.CreatePartnerAsync(h.Scenario, "Bystander");
        (await bystander.PutAsync($"/api/v1/partner/watchlist/{Uri.EscapeDataString(h.Scenario.CustomerB.Msisdn)}", null, Ct)).EnsureSuccessStatusCode();

        // Signed in before the line goes: a cancelled line cannot sign in any more.
        using var owner = await h.Scenario.CustomerAsync(line);
        var cancellationId = await h.CancelAsync(line);
        var received = await h.Receiver.WaitForAsync(r => r.Count >= 2);

        Assert.Equal(2, received.Count);
        Assert.All(received, m => Assert.Null(StandardWebhooksVerifier.Verify(h.Secret, m, DateTimeOffset.UtcNow)));
        Assert.Equal(["number.disconnected", "unbinding.requested"], received.Select(Type).Order());
        var disconnected = Json(received.Single(m => Type(m) == "number.disconnected").Body);
        Assert.Equal(line.Msisdn, disconnected.GetProperty("data").GetProperty("msisdn").GetString());
        Assert.Matches(@"^\d{4}-\d{2}-\d{2}$", disconnected.GetProperty("data").GetProperty("disconnectedOn").GetString());
        Assert.True(DateTimeOffset.TryParse(disconnected.GetProperty("timestamp").GetString(), out _));
        var unbinding = Json(received.Single(m => Type(m) == "unbinding.requested").Body).GetProperty("data");
        Assert.Equal(line.Msisdn, unbinding.GetProperty("msisdn").GetString());
        Assert.Equal(cancellationId, unbinding.GetProperty("cancellationId").GetGuid());
        Assert.All(received, m => Assert.StartsWith("msg_", m.Id, StringComparison.Ordinal));
        Assert.NotEqual(received[0].Id, received[1].Id);

        // The partner's view of its deliveries: both succeeded at the first attempt with 200.
        var deliveries = await h.WaitForDeliveriesAsync(d => d.EnumerateArray().All(x => x.GetProperty("status").GetString() == "succeeded"));
        Assert.Equal(2, deliveries.GetArrayLength());
        Assert.Equal(received.Select(m => m.Id).Order(), deliveries.EnumerateArray().Select(d => d.GetProperty("webhookId").GetString()).Order());
        Assert.All(deliveries.EnumerateArray(), d => Assert.Equal(200, d.GetProperty("attempts").EnumerateArray().Single().GetProperty("statusCode").GetInt32()));

        // The customer sees the partner asked and not yet acknowledged, beside their own checklist; another customer sees nothing.
        var view = await owner.GetFromJsonAsync<JsonElement>($"/api/v1/cancellations/{cancellationId}/unbinding", Ct);
        var asked = Assert.Single(view.GetProperty("partners").EnumerateArray());
        Assert.Equal("Bank of Tests", asked.GetProperty("partner").GetString());
        Assert.False(asked.TryGetProperty("acknowledgedAt", out var ack) && ack.ValueKind != JsonValueKind.Null);
        Assert.Equal(["alipay", "wechat_pay", "wechat", "qq", "bank_card", "icloud_apple_id", "email_accounts", "other"],
            view.GetProperty("checklist").EnumerateArray().Select(c => c.GetProperty("item").GetString()));
        Assert.All(view.GetProperty("checklist").EnumerateArray(), c => Assert.False(c.GetProperty("done").GetBoolean()));
        using (var stranger = await h.Scenario.CustomerAsync(h.Scenario.CustomerB))
        {
            var refused = await stranger.GetAsync($"/api/v1/cancellations/{cancellationId}/unbinding", Ct);
            Assert.Equal(HttpStatusCode.NotFound, refused.StatusCode);
            var tick = await stranger.PutAsJsonAsync($"/api/v1/cancellations/{cancellationId}/unbinding/checklist/alipay", new { done = true }, Ct);
            Assert.Equal(HttpStatusCode.NotFound, tick.StatusCode);
        }

        // Another partner cannot acknowledge it; the right one can, twice with the same answer.
        var requestId = unbinding.GetProperty("id").GetGuid();
        Assert.Equal(HttpStatusCode.NotFound, (await bystander.PostAsync($"/api/v1/partner/unbinding-requests/{requestId}/ack", null, Ct)).StatusCode);
        var acked = await h.Partner.PostAsync($"/api/v1/partner/unbinding-requests/{requestId}/ack", null, Ct);
        Assert.Equal(HttpStatusCode.OK, acked.StatusCode);
        var first = (await acked.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("acknowledgedAt").GetDateTimeOffset();
        var again = await h.Partner.PostAsync($"/api/v1/partner/unbinding-requests/{requestId}/ack", null, Ct);
        // (PostgreSQL keeps microseconds.)
        Assert.True(((await again.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("acknowledgedAt").GetDateTimeOffset() - first).Duration() < TimeSpan.FromMilliseconds(1));

        // The owner ticks items off; "other" takes their own label.
        (await owner.PutAsJsonAsync($"/api/v1/cancellations/{cancellationId}/unbinding/checklist/alipay", new { done = true }, Ct)).EnsureSuccessStatusCode();
        (await owner.PutAsJsonAsync($"/api/v1/cancellations/{cancellationId}/unbinding/checklist/other", new { done = true, label = "招商银行 App" }, Ct)).EnsureSuccessStatusCode();
        var unknown = await owner.PutAsJsonAsync($"/api/v1/cancellations/{cancellationId}/unbinding/checklist/myspace", new { done = true }, Ct);
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        using var clerk = await h.Scenario.StaffAsync("clerk");
        Assert.Equal(HttpStatusCode.Forbidden, (await clerk.PutAsJsonAsync($"/api/v1/cancellations/{cancellationId}/unbinding/checklist/qq", new { done = true }, Ct)).StatusCode);

        var after = await clerk.GetFromJsonAsync<JsonElement>($"/api/v1/cancellations/{cancellationId}/unbinding", Ct);
        Assert.True((Assert.Single(after.GetProperty("partners").EnumerateArray()).GetProperty("acknowledgedAt").GetDateTimeOffset() - first).Duration() < TimeSpan.FromMilliseconds(1));
        var checklist = after.GetProperty("checklist").EnumerateArray().ToDictionary(c => c.GetProperty("item").GetString()!);
        Assert.True(checklist["alipay"].GetProperty("done").GetBoolean());
        Assert.True(checklist["alipay"].TryGetProperty("doneAt", out var doneAt) && doneAt.ValueKind == JsonValueKind.String);
        Assert.Equal("招商银行 App", checklist["other"].GetProperty("label").GetString());
        Assert.False(checklist["qq"].GetProperty("done").GetBoolean());

        // Acknowledging ended the partner's watch on the number; the bystander still watches its own.
        var watchlist = await h.Partner.GetFromJsonAsync<JsonElement>("/api/v1/partner/watchlist", Ct);
        Assert.Equal(0, watchlist.GetProperty("total").GetInt32());
        Assert.Equal(1, (await bystander.GetFromJsonAsync<JsonElement>("/api/v1/partner/watchlist", Ct)).GetProperty("total").GetInt32());

        // In the database: one disconnection event, one unbinding event, secrets never in clear.
        await using var db = h.Scenario.Database.CreateContext();
        Assert.Equal(1, await db.OutboxEvents.CountAsync(e => e.Type == "number.disconnected", Ct));
        Assert.Equal(1, await db.OutboxEvents.CountAsync(e => e.Type == "unbinding.requested", Ct));
        var stored = await db.WebhookEndpoints.AsNoTracking().SingleAsync(e => e.PartnerId == h.PartnerId, Ct);
        Assert.DoesNotContain(h.Secret["whsec_".Length..], stored.ProtectedSecret, StringComparison.Ordinal);
        bystander.Dispose();
    }

    [Fact]
    public async Task TamperedBodyIdOrTimestamp_IsRefusedByTheVerifier()
    {
        await using var h = await PartnerWebhookHarness.StartAsync(postgres);
        await h.WatchAsync(h.Scenario.CustomerB);
        await h.CancelAsync(h.Scenario.CustomerB);
        var message = (await h.Receiver.WaitForAsync(r => r.Count >= 1))[0];
        var now = DateTimeOffset.UtcNow;
        Assert.Null(StandardWebhooksVerifier.Verify(h.Secret, message, now));
        Assert.Contains(h.Scenario.CustomerB.Msisdn, message.Body, StringComparison.Ordinal);

        var otherTimestamp = (long.Parse(message.Timestamp!, System.Globalization.CultureInfo.InvariantCulture) + 1).ToString(System.Globalization.CultureInfo.InvariantCulture);
        Assert.NotNull(StandardWebhooksVerifier.Verify(h.Secret, message with { Body = message.Body.Replace(h.Scenario.CustomerB.Msisdn, "+8613999999999", StringComparison.Ordinal) }, now));
        Assert.NotNull(StandardWebhooksVerifier.Verify(h.Secret, message with { Body = message.Body + " " }, now));
        Assert.NotNull(StandardWebhooksVerifier.Verify(h.Secret, message with { Id = message.Id + "x" }, now));
        Assert.NotNull(StandardWebhooksVerifier.Verify(h.Secret, message with { Timestamp = otherTimestamp }, now));
        // Replayed later than the tolerance, or verified under another secret.
        Assert.NotNull(StandardWebhooksVerifier.Verify(h.Secret, message, now.AddMinutes(6)));
        Assert.NotNull(StandardWebhooksVerifier.Verify("whsec_" + Convert.ToBase64String(new byte[32]), message, now));
    }

    [Theory]
    [MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task ReceiverDown_ThenBack_EveryEventArrives_WithTheSameIdOnEveryAttempt(DatabaseProvider provider)
    {
        await using var h = await PartnerWebhookHarness.StartAsync(postgres, provider, receiverRunning: false, retrySchedule: "0.2,0.5,1,2,3,3,5,5,10");
        await h.WatchAsync(h.Scenario.CustomerA);
        await h.WatchAsync(h.Scenario.CustomerB);
        await h.CancelAsync(h.Scenario.CustomerA);
        await h.CancelAsync(h.Scenario.CustomerB);

        // Every delivery fails at least twice against the closed port.
        var failing = await h.WaitForDeliveriesAsync(d => d.GetArrayLength() == 4 && d.EnumerateArray().All(x => x.GetProperty("attempts").GetArrayLength() >= 2));
        Assert.All(failing.EnumerateArray(), d =>
        {
            Assert.Equal("pending", d.GetProperty("status").GetString());
            Assert.All(d.GetProperty("attempts").EnumerateArray(), a =>
            {
                Assert.Equal(JsonValueKind.Null, a.GetProperty("statusCode").ValueKind);
                Assert.False(string.IsNullOrEmpty(a.GetProperty("error").GetString()));
            });
        });

        await h.Receiver.StartAsync();
        var delivered = await h.WaitForDeliveriesAsync(d => d.EnumerateArray().All(x => x.GetProperty("status").GetString() == "succeeded"));
        var ids = delivered.EnumerateArray().Select(d => d.GetProperty("webhookId").GetString()!).Order().ToList();
        Assert.Equal(4, ids.Distinct().Count());
        var received = h.Receiver.Received;
        // None lost: every delivery reached the receiver, with its own id, verified.
        Assert.Equal(ids, received.Select(m => m.Id!).Distinct().Order());
        Assert.All(received, m => Assert.Null(StandardWebhooksVerifier.Verify(h.Secret, m, DateTimeOffset.UtcNow)));
        Assert.Equal(2, received.Where(m => Type(m) == "number.disconnected").Select(m => m.Id).Distinct().Count());
        Assert.Equal(2, received.Where(m => Type(m) == "unbinding.requested").Select(m => m.Id).Distinct().Count());
        Assert.All(delivered.EnumerateArray(), d => Assert.True(d.GetProperty("attemptCount").GetInt32() >= 3));

        // The database holds each event once per partner.
        await using var db = h.Scenario.Database.CreateContext();
        Assert.Equal(4, await db.WebhookDeliveries.CountAsync(Ct));
        Assert.Equal(2, await db.UnbindingRequests.CountAsync(Ct));
    }

    [Fact]
    public async Task Gone410_DisablesTheEndpoint_AndDeliveriesWaitForANewUrl()
    {
        await using var h = await PartnerWebhookHarness.StartAsync(postgres);
        h.Receiver.Default = new ReceiverBehaviour(Status: 410);
        await h.WatchAsync(h.Scenario.CustomerA);
        await h.CancelAsync(h.Scenario.CustomerA);

        var endpoint = await WaitForAsync(async () => await h.Partner.GetFromJsonAsync<JsonElement>("/api/v1/partner/webhook", Ct),
            e => !e.GetProperty("enabled").GetBoolean());
        Assert.NotEqual(JsonValueKind.Null, endpoint.GetProperty("disabledAt").ValueKind);
        var gone = await h.WaitForDeliveriesAsync(d => d.EnumerateArray().Any(x => x.GetProperty("attemptCount").GetInt32() >= 1)
            && d.EnumerateArray().All(x => x.GetProperty("status").GetString() == "pending"));
        Assert.Contains(gone.EnumerateArray().SelectMany(d => d.GetProperty("attempts").EnumerateArray()), a => a.GetProperty("statusCode").GetInt32() == 410);
        // A delivery claimed together with the one that met the 410 finishes its attempt (or lets go) first.
        await using (var db = h.Scenario.Database.CreateContext())
        {
            var deadline = DateTime.UtcNow.AddSeconds(30);
            while (await db.WebhookDeliveries.AnyAsync(d => d.LeaseOwner != null, Ct) && DateTime.UtcNow < deadline)
                await Task.Delay(100, Ct);
            Assert.All(await db.WebhookDeliveries.AsNoTracking().ToListAsync(Ct), d =>
            {
                Assert.Equal(DeliveryStatus.Pending, d.Status);
                Assert.Null(d.LeaseOwner);
            });
        }
        var seenWhileGone = h.Receiver.Received.Count;

        // While disabled nothing is claimed (a few polls pass unanswered); a new URL (and secret) delivers everything pending.
        await Task.Delay(500, Ct);
        Assert.Equal(seenWhileGone, h.Receiver.Received.Count);
        h.Receiver.Default = new ReceiverBehaviour();
        h.Secret = await PartnerWebhookHarness.SetWebhookAsync(h.Partner, h.Receiver.Url);
        await h.WaitForDeliveriesAsync(d => d.GetArrayLength() == 2 && d.EnumerateArray().All(x => x.GetProperty("status").GetString() == "succeeded"));
        var fresh = h.Receiver.Received.Skip(seenWhileGone).ToList();
        Assert.Equal(2, fresh.Select(m => m.Id).Distinct().Count());
        Assert.All(fresh.Where(m => m.AnsweredWith == 200), m => Assert.Null(StandardWebhooksVerifier.Verify(h.Secret, m, DateTimeOffset.UtcNow)));
        Assert.True((await h.Partner.GetFromJsonAsync<JsonElement>("/api/v1/partner/webhook", Ct)).GetProperty("enabled").GetBoolean());
    }

    [Fact]
    public async Task TooManyRequests_WithRetryAfter_WaitsAsLongAsAsked()
    {
        // The schedule's own delays are a minute, so only Retry-After can bring the second attempt within the test.
        await using var h = await PartnerWebhookHarness.StartAsync(postgres, retrySchedule: "60,60,60");
        h.Receiver.Script(new ReceiverBehaviour(Status: 429, RetryAfterSeconds: 2));
        await h.WatchAsync(h.Scenario.CustomerB);
        await h.CancelAsync(h.Scenario.CustomerB);

        var deliveries = await h.WaitForDeliveriesAsync(d => d.GetArrayLength() == 2 && d.EnumerateArray().All(x => x.GetProperty("status").GetString() == "succeeded"));
        var throttled = deliveries.EnumerateArray().Single(d => d.GetProperty("attempts").GetArrayLength() == 2);
        var attempts = throttled.GetProperty("attempts").EnumerateArray().ToList();
        Assert.Equal(429, attempts[0].GetProperty("statusCode").GetInt32());
        Assert.Equal(200, attempts[1].GetProperty("statusCode").GetInt32());
        Assert.True(attempts[1].GetProperty("at").GetDateTimeOffset() - attempts[0].GetProperty("at").GetDateTimeOffset() >= TimeSpan.FromSeconds(1.9),
            "the retry came before Retry-After");
        var id = throttled.GetProperty("webhookId").GetString();
        Assert.Equal(2, h.Receiver.Received.Count(m => m.Id == id));
    }

    [Fact]
    public async Task SlowReceiver_TimesOut_AndTheAttemptIsRetried()
    {
        await using var h = await PartnerWebhookHarness.StartAsync(postgres, retrySchedule: "0.3,0.3,0.3", timeoutMilliseconds: 1000);
        h.Receiver.Script(new ReceiverBehaviour(Delay: TimeSpan.FromSeconds(5)));
        await h.WatchAsync(h.Scenario.CustomerB);
        await h.CancelAsync(h.Scenario.CustomerB);

        var deliveries = await h.WaitForDeliveriesAsync(d => d.GetArrayLength() == 2 && d.EnumerateArray().All(x => x.GetProperty("status").GetString() == "succeeded"));
        // The delivery the receiver held up timed out at its first attempt; on a busy machine the other may have too
        // (the timeout is 1 s), so the test looks for one that did rather than for the only one retried.
        var slow = deliveries.EnumerateArray().First(d => d.GetProperty("attempts").EnumerateArray().First() is var first
            && first.GetProperty("statusCode").ValueKind == JsonValueKind.Null
            && first.GetProperty("error").GetString()?.Contains("timeout", StringComparison.Ordinal) == true);
        var attempts = slow.GetProperty("attempts").EnumerateArray().ToList();
        Assert.True(attempts.Count >= 2, "the timed-out attempt was not retried");
        Assert.Equal(200, attempts[^1].GetProperty("statusCode").GetInt32());
        var id = slow.GetProperty("webhookId").GetString();
        Assert.True(h.Receiver.Received.Count(m => m.Id == id) >= 2);
    }

    [Fact]
    public async Task FailedDelivery_AfterTheLastRetry_CanBeRedeliveredWithTheSameId()
    {
        await using var h = await PartnerWebhookHarness.StartAsync(postgres, retrySchedule: "0.2,0.2");
        h.Receiver.Default = new ReceiverBehaviour(Status: 500);
        await h.WatchAsync(h.Scenario.CustomerB);
        await h.CancelAsync(h.Scenario.CustomerB);

        var failed = await h.WaitForDeliveriesAsync(d => d.GetArrayLength() == 2 && d.EnumerateArray().All(x => x.GetProperty("status").GetString() == "failed"));
        Assert.All(failed.EnumerateArray(), d => Assert.Equal(3, d.GetProperty("attempts").GetArrayLength()));
        var failedList = await h.Partner.GetFromJsonAsync<JsonElement>("/api/v1/partner/deliveries?status=failed", Ct);
        Assert.Equal(2, failedList.GetProperty("total").GetInt32());

        h.Receiver.Default = new ReceiverBehaviour();
        var one = failed[0];
        var redeliver = await h.Partner.PostAsync($"/api/v1/partner/deliveries/{one.GetProperty("id").GetGuid()}/redeliver", null, Ct);
        Assert.Equal(HttpStatusCode.Accepted, redeliver.StatusCode);
        var done = await h.WaitForDeliveriesAsync(d => d.EnumerateArray().Any(x => x.GetProperty("status").GetString() == "succeeded"));
        var succeeded = done.EnumerateArray().Single(x => x.GetProperty("status").GetString() == "succeeded");
        Assert.Equal(one.GetProperty("webhookId").GetString(), succeeded.GetProperty("webhookId").GetString());
        // The first round's three failures, then a new round until the 200. On a busy machine the new round's first
        // attempt may itself fail (a refused or reset connection) and be retried, so the round may take more than one.
        var attempts = succeeded.GetProperty("attempts").EnumerateArray().ToList();
        Assert.True(attempts.Count >= 4, $"{attempts.Count} attempts");
        Assert.Equal(200, attempts[^1].GetProperty("statusCode").GetInt32());
        Assert.Equal(200, h.Receiver.Received.Last(m => m.Id == one.GetProperty("webhookId").GetString()).AnsweredWith);
        Assert.Equal("failed", done.EnumerateArray().Single(x => x.GetProperty("id").GetGuid() != one.GetProperty("id").GetGuid()).GetProperty("status").GetString());

        // Someone else's delivery does not exist for this partner.
        var (_, other) = await PartnerWebhookHarness.CreatePartnerAsync(h.Scenario, "Other");
        using (other)
            Assert.Equal(HttpStatusCode.NotFound, (await other.PostAsync($"/api/v1/partner/deliveries/{one.GetProperty("id").GetGuid()}/redeliver", null, Ct)).StatusCode);
    }

    private static async Task<JsonElement> WaitForAsync(Func<Task<JsonElement>> read, Func<JsonElement, bool> done, int seconds = 30)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        JsonElement last = default;
        while (DateTime.UtcNow < deadline)
        {
            last = await read();
            if (done(last))
                return last;
            await Task.Delay(100, Ct);
        }
        throw new TimeoutException($"Not there in {seconds} s; last seen: {last}");
    }
}
