using System.Net.Http.Json;
using System.Text.Json;
using LastCall.Data;
using LastCall.Domain.Common;
using LastCall.Hosting;
using LastCall.Tests.Features.Cancellations;
using LastCall.TestSupport;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace LastCall.Tests.Features.Tmf;

/// <summary>
/// A host for the TM Forum tests: a <see cref="CancellationHost"/> (lines in any state, staff, customers), a BSS client
/// (a partner created with the <c>bss</c> scope through the admin API) and an ordinary partner. With
/// <c>execution</c> the execution and webhook workers run against the embedded simulators with no cooling-off, and a
/// real webhook receiver listens on loopback (allow-listed, short retries), so orders run to completion and events
/// arrive within seconds.
/// </summary>
public sealed class TmfHarness : IAsyncDisposable
{
    public const string OrderPath = "/tmf-api/productOrdering/v5/productOrder";
    public const string ProductPath = "/tmf-api/productInventory/v5/product";
    public const string HubPath = "/tmf-api/productInventory/v5/hub";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private TmfHarness(CancellationHost host, WebhookReceiver? receiver, HttpClient bss, Guid bssId, HttpClient partner)
    {
        Host = host;
        Receiver = receiver;
        Bss = bss;
        BssId = bssId;
        Partner = partner;
    }

    public CancellationHost Host { get; }

    public Scenario Scenario => Host.Scenario;

    /// <summary>The listener's receiver (execution hosts only).</summary>
    public WebhookReceiver? Receiver { get; }

    /// <summary>The BSS client: a partner key with the bss scope.</summary>
    public HttpClient Bss { get; }

    public Guid BssId { get; }

    /// <summary>An ordinary partner (no scope).</summary>
    public HttpClient Partner { get; }

    public static async Task<TmfHarness> StartAsync(PostgresCluster postgres, DatabaseProvider provider, bool execution = false)
    {
        var receiver = execution ? await WebhookReceiver.StartAsync() : null;
        var host = await CancellationHost.StartAsync(postgres, provider, s =>
        {
            if (receiver is null)
                return;
            ExecutionHarness.FastExecution(s);
            s["Policies:CoolingOffHours"] = "0";
            s["Webhooks:AllowedHosts:0"] = $"127.0.0.1:{receiver.Port}";
            s["Webhooks:PollMilliseconds"] = "100";
            s["Webhooks:RetryScheduleSeconds:0"] = "0.3";
            s["Webhooks:RetryScheduleSeconds:1"] = "0.5";
        });
        var (bssId, bss) = await CreatePartnerAsync(host.Scenario, "CRM", ["bss"]);
        var (_, partner) = await CreatePartnerAsync(host.Scenario, "Bank of Tests", null);
        return new TmfHarness(host, receiver, bss, bssId, partner);
    }

    /// <summary>An admin creates a partner through the API (with <paramref name="scopes"/>) and a client with its key.</summary>
    public static async Task<(Guid Id, HttpClient Client)> CreatePartnerAsync(Scenario scenario, string name, string[]? scopes)
    {
        using var admin = await scenario.StaffAsync("admin");
        using var response = await admin.PostAsJsonAsync("/api/v1/admin/partners", new { name, scopes }, Ct);
        var body = await response.Content.ReadAsStringAsync(Ct);
        Assert.True(response.IsSuccessStatusCode, body);
        var created = JsonDocument.Parse(body).RootElement;
        return (created.GetProperty("id").GetGuid(), scenario.Client(created.GetProperty("apiKey").GetString()!));
    }

    /// <summary>Imports a line; with the execution running, the simulators (billing, network, SM-DP+) learn it too.</summary>
    public async Task<TestLine> AddLineAsync(LineSpec? spec = null)
    {
        var line = await Host.AddLineAsync(spec);
        if (Receiver is not null)
            await Scenario.Host.Services.GetRequiredService<EmbeddedSimulators>().SeedAsync(Ct);
        return line;
    }

    /// <summary>The product id of a line: the line's id, read from the database.</summary>
    public async Task<Guid> ProductIdAsync(TestLine line)
    {
        var number = Msisdn.Create(line.Msisdn).Value;
        await using var db = Host.Database.CreateContext();
        return await db.Lines.Where(l => l.Msisdn == number).OrderByDescending(l => l.StatusChangedAt).Select(l => l.Id).FirstAsync(Ct);
    }

    /// <summary>A termination order for one product, as a CRM sends it.</summary>
    public static object TerminationOrder(Guid productId, string itemId = "1", string? externalId = null) => new Dictionary<string, object?>
    {
        ["@type"] = "ProductOrder",
        ["description"] = "Customer asked the CRM to end the line",
        ["externalId"] = externalId is null ? null : new[] { new Dictionary<string, string> { ["id"] = externalId, ["owner"] = "CRM", ["@type"] = "ExternalIdentifier" } },
        ["productOrderItem"] = new[]
        {
            new Dictionary<string, object>
            {
                ["id"] = itemId,
                ["action"] = "delete",
                ["quantity"] = 1,
                ["@type"] = "ProductOrderItem",
                ["product"] = new Dictionary<string, string> { ["id"] = productId.ToString(), ["@type"] = "ProductRef" },
            },
        },
    };

    public Task<ApiResponse> PlaceOrderAsync(object order) => CancellationApi.PostAsync(Bss, OrderPath, order);

    public Task<ApiResponse> GetOrderAsync(Guid id, HttpClient? client = null) => CancellationApi.GetAsync(client ?? Bss, $"{OrderPath}/{id}");

    public Task<ApiResponse> GetProductAsync(Guid id, string? fields = null) =>
        CancellationApi.GetAsync(Bss, $"{ProductPath}/{id}" + (fields is null ? "" : "?fields=" + Uri.EscapeDataString(fields)));

    /// <summary>Polls the order until its state is <paramref name="state"/>, or fails after the timeout.</summary>
    public async Task<JsonElement> WaitForOrderStateAsync(Guid id, string state, int seconds = 30)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        JsonElement last = default;
        while (DateTime.UtcNow < deadline)
        {
            var order = await GetOrderAsync(id);
            last = order.Body;
            if (order.Status == System.Net.HttpStatusCode.OK && order.Text("state") == state)
                return order.Body;
            await Task.Delay(100, Ct);
        }
        throw new TimeoutException($"Order {id} did not become {state} in {seconds} s; last seen: {last}");
    }

    /// <summary>The audit actions recorded about a number (subject: the masked number), in the order they were written.</summary>
    public async Task<List<string>> AuditActionsAsync(string msisdn)
    {
        var masked = Msisdn.Create(msisdn).Value.Masked();
        await using var db = Host.Database.CreateContext();
        return await db.AuditEvents.AsNoTracking().Where(e => e.Subject == masked).OrderBy(e => e.Id).Select(e => e.Action).ToListAsync(Ct);
    }

    public async ValueTask DisposeAsync()
    {
        Bss.Dispose();
        Partner.Dispose();
        await Host.DisposeAsync();
        if (Receiver is not null)
            await Receiver.DisposeAsync();
    }
}
