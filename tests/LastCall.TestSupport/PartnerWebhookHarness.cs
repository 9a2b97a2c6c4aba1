using System.Net.Http.Json;
using System.Text.Json;
using LastCall.Data;
using Microsoft.Extensions.DependencyInjection;

namespace LastCall.TestSupport;

/// <summary>
/// A host running the execution and webhook workers, a real receiver on loopback (allow-listed, so
/// plain http to 127.0.0.1 is accepted), and a partner with its webhook set to the receiver.
/// Retries and timeouts are short so tests wait seconds.
/// </summary>
public sealed class PartnerWebhookHarness : IAsyncDisposable
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private PartnerWebhookHarness(ExecutionHarness execution, WebhookReceiver receiver, HttpClient partner, Guid partnerId, string secret)
    {
        Execution = execution;
        Receiver = receiver;
        Partner = partner;
        PartnerId = partnerId;
        Secret = secret;
    }

    public ExecutionHarness Execution { get; }

    public Scenario Scenario => Execution.Scenario;

    public WebhookReceiver Receiver { get; }

    public HttpClient Partner { get; }

    public Guid PartnerId { get; }

    public string Secret { get; set; }

    public static async Task<PartnerWebhookHarness> StartAsync(PostgresCluster postgres, DatabaseProvider provider = DatabaseProvider.Sqlite,
        bool receiverRunning = true, string retrySchedule = "0.3,0.5,0.5,0.5,0.5,0.5,0.5,0.5,0.5", int timeoutMilliseconds = 30000,
        Action<IServiceCollection>? services = null)
    {
        var receiver = await WebhookReceiver.StartAsync(receiverRunning);
        var execution = await ExecutionHarness.StartAsync(postgres, provider, s =>
        {
            s["Webhooks:AllowedHosts:0"] = $"127.0.0.1:{receiver.Port}";
            s["Webhooks:PollMilliseconds"] = "100";
            s["Webhooks:TimeoutMilliseconds"] = timeoutMilliseconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
            var delays = retrySchedule.Split(',');
            for (var i = 0; i < delays.Length; i++)
                s[$"Webhooks:RetryScheduleSeconds:{i}"] = delays[i];
        }, services);
        var (partnerId, partner) = await CreatePartnerAsync(execution.Scenario, "Bank of Tests");
        var secret = await SetWebhookAsync(partner, receiver.Url);
        return new PartnerWebhookHarness(execution, receiver, partner, partnerId, secret);
    }

    public static async Task<(Guid Id, HttpClient Client)> CreatePartnerAsync(Scenario scenario, string name)
    {
        using var admin = await scenario.StaffAsync("admin");
        using var response = await admin.PostAsJsonAsync("/api/v1/admin/partners", new { name }, Ct);
        response.EnsureSuccessStatusCode();
        var created = await response.Content.ReadFromJsonAsync<JsonElement>(Ct);
        return (created.GetProperty("id").GetGuid(), scenario.Client(created.GetProperty("apiKey").GetString()!));
    }

    public static async Task<string> SetWebhookAsync(HttpClient partner, string url)
    {
        using var response = await partner.PutAsJsonAsync("/api/v1/partner/webhook", new { url }, Ct);
        var body = await response.Content.ReadAsStringAsync(Ct);
        Assert.True(response.IsSuccessStatusCode, body);
        return JsonDocument.Parse(body).RootElement.GetProperty("secret").GetString()!;
    }

    public async Task WatchAsync(TestLine line)
    {
        using var response = await Partner.PutAsync($"/api/v1/partner/watchlist/{Uri.EscapeDataString(line.Msisdn)}", null, Ct);
        response.EnsureSuccessStatusCode();
    }

    /// <summary>Cancels the line at a store and waits until the request is completed.</summary>
    public async Task<Guid> CancelAsync(TestLine line)
    {
        var id = await Execution.CancelAtStoreAsync(line);
        await Execution.WaitForStatusAsync(id, "completed");
        return id;
    }

    public async Task<JsonElement> DeliveriesAsync() =>
        (await Partner.GetFromJsonAsync<JsonElement>("/api/v1/partner/deliveries?pageSize=200", Ct)).GetProperty("items");

    /// <summary>Polls the partner's deliveries until <paramref name="done"/> holds.</summary>
    public async Task<JsonElement> WaitForDeliveriesAsync(Func<JsonElement, bool> done, int seconds = 30)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        JsonElement last = default;
        while (DateTime.UtcNow < deadline)
        {
            last = await DeliveriesAsync();
            if (done(last))
                return last;
            await Task.Delay(100, Ct);
        }
        throw new TimeoutException($"Deliveries did not get there in {seconds} s; last seen: {last}");
    }

    public async ValueTask DisposeAsync()
    {
        Partner.Dispose();
        await Execution.DisposeAsync();
        await Receiver.DisposeAsync();
    }
}
