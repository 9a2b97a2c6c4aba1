using System.Security.Cryptography;
using System.Text;
using LastCall.BackendSimulators.Behaviour;
using LastCall.BackendSimulators.Billing;
using LastCall.BackendSimulators.Network;
using LastCall.BackendSimulators.Wire;
using LastCall.Integrations.Billing;
using LastCall.Integrations.Network;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Sim = LastCall.BackendSimulators;

namespace LastCall.BackendSimulators.Tests.Infrastructure;

/// <summary>
/// In-process simulators on a free loopback port, the real <see cref="HttpBillingSystem"/> and
/// <see cref="HttpNetworkProvisioning"/> registered through <c>AddBillingClient</c> / <c>AddNetworkClient</c> against
/// them, and a plain HttpClient for the simulators' controls and for raw wire-level requests.
/// </summary>
public sealed class BackendHarness : IAsyncDisposable
{
    private BackendHarness(WebApplication simulator, Uri baseAddress, ServiceProvider services)
    {
        Simulator = simulator;
        BaseAddress = baseAddress;
        Services = services;
        Billing = services.GetRequiredService<IBillingSystem>();
        Network = services.GetRequiredService<INetworkProvisioning>();
        Http = new HttpClient { BaseAddress = baseAddress };
    }

    public WebApplication Simulator { get; }
    public Uri BaseAddress { get; }
    public ServiceProvider Services { get; }
    public IBillingSystem Billing { get; }
    public INetworkProvisioning Network { get; }
    public HttpClient Http { get; }

    /// <summary>
    /// Client defaults keep tests fast: 2 s attempts, two retries 10 ms apart, a circuit that needs 100 failures to
    /// open. <paramref name="client"/> overrides keys of both client sections (e.g. <c>TimeoutSeconds</c>);
    /// <paramref name="simulator"/> adds simulator settings.
    /// </summary>
    public static async Task<BackendHarness> StartAsync(IReadOnlyDictionary<string, string?>? client = null, IReadOnlyDictionary<string, string?>? simulator = null)
    {
        var simulatorSettings = new Dictionary<string, string?> { ["Logging:LogLevel:Default"] = "Warning" };
        foreach (var (key, value) in simulator ?? new Dictionary<string, string?>())
            simulatorSettings[key] = value;
        var app = await Sim.BackendSimulatorsApp.StartAsync("http://127.0.0.1:0", simulatorSettings, TestContext.Current.CancellationToken);
        var baseAddress = Sim.BackendSimulatorsApp.GetBaseAddress(app);
        return new BackendHarness(app, baseAddress, ClientServices(baseAddress, client));
    }

    /// <summary>A DI container holding only the two clients, configured like the host would from its sections.</summary>
    public static ServiceProvider ClientServices(Uri baseAddress, IReadOnlyDictionary<string, string?>? overrides = null)
    {
        var client = new Dictionary<string, string?>
        {
            ["BaseUrl"] = baseAddress.ToString(),
            ["TimeoutSeconds"] = "2",
            ["TotalTimeoutSeconds"] = "8",
            ["MaxRetryAttempts"] = "2",
            ["RetryBaseDelaySeconds"] = "0.01",
            ["CircuitMinimumThroughput"] = "100",
            ["CircuitBreakDurationSeconds"] = "1",
        };
        foreach (var (key, value) in overrides ?? new Dictionary<string, string?>())
            client[key] = value;
        var settings = new Dictionary<string, string?>();
        foreach (var (key, value) in client)
        {
            settings[$"{BillingSystemOptions.SectionName}:{key}"] = value;
            settings[$"{NetworkProvisioningOptions.SectionName}:{key}"] = value;
        }

        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddBillingClient(configuration.GetSection(BillingSystemOptions.SectionName));
        services.AddNetworkClient(configuration.GetSection(NetworkProvisioningOptions.SectionName));
        return services.BuildServiceProvider();
    }

    // ----- Billing controls.

    public async Task<AccountView> SeedAccountAsync(string msisdn, decimal balance = 0, decimal arrears = 0, decimal unbilledUsage = 0, decimal deposit = 0, string? currency = null)
    {
        using var response = await Http.PutAsJsonAsync(AccountPath(msisdn), new { currency, balance, arrears, unbilledUsage, deposit }, WireProtocol.Json, Token);
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<AccountView>(WireProtocol.Json, Token))!;
    }

    public async Task<AccountView> AccountAsync(string msisdn) =>
        (await Http.GetFromJsonAsync<AccountView>(AccountPath(msisdn), WireProtocol.Json, Token))!;

    /// <summary>The ledger entries of one kind: "billed once" is one FinalBill entry, "refunded once" one Refund entry.</summary>
    public async Task<IReadOnlyList<LedgerEntry>> LedgerAsync(string msisdn, LedgerEntryKind kind) =>
        [.. (await AccountAsync(msisdn)).Ledger.Where(e => e.Kind == kind)];

    // ----- Network controls.

    public async Task<SubscriptionView> SeedSubscriptionAsync(string msisdn, SubscriptionState state = SubscriptionState.Active, string? imsi = null)
    {
        using var response = await Http.PutAsJsonAsync(SubscriptionPath(msisdn), new { imsi = imsi ?? NewImsi(), state }, WireProtocol.Json, Token);
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<SubscriptionView>(WireProtocol.Json, Token))!;
    }

    public async Task<SubscriptionView> SubscriptionAsync(string msisdn) =>
        (await Http.GetFromJsonAsync<SubscriptionView>(SubscriptionPath(msisdn), WireProtocol.Json, Token))!;

    /// <summary>The deprovision operations recorded for a subscription (seeding left out).</summary>
    public async Task<IReadOnlyList<SubscriptionEvent>> DeprovisionHistoryAsync(string msisdn) =>
        [.. (await SubscriptionAsync(msisdn)).History.Where(e => e.Operation == WireProtocol.Deprovision)];

    // ----- Shared controls.

    public async Task<IReadOnlyList<CallRecord>> CallsAsync(SimulatedSystem? system = null, string? operation = null, string? msisdn = null)
    {
        var query = new List<string>();
        if (system is not null)
            query.Add("system=" + system);
        if (operation is not null)
            query.Add("operation=" + operation);
        if (msisdn is not null)
            query.Add("msisdn=" + Uri.EscapeDataString(msisdn));
        return (await Http.GetFromJsonAsync<List<CallRecord>>("/simulator/calls?" + string.Join('&', query), WireProtocol.Json, Token))!;
    }

    /// <summary>Sets the switches of one system, or of both when <paramref name="system"/> is null.</summary>
    public async Task SetBehaviourAsync(BehaviourSettings behaviour, SimulatedSystem? system = null)
    {
        var path = system is null ? "/simulator/behaviour" : "/simulator/behaviour/" + system.ToString()!.ToLowerInvariant();
        using var response = await Http.PutAsJsonAsync(path, behaviour, WireProtocol.Json, Token);
        response.EnsureSuccessStatusCode();
    }

    /// <summary>A hand-made request, for what the real clients never send (bad JSON, missing fields, odd amounts).</summary>
    public async Task<HttpResponseMessage> PostRawAsync(string path, string json) =>
        await Http.PostAsync(path, new StringContent(json, Encoding.UTF8, "application/json"), Token);

    /// <summary>A fresh mainland mobile number (+86 139…), so tests sharing a simulator never collide.</summary>
    public static string NewMsisdn() => "+86139" + RandomDigits(8);

    /// <summary>A 15-digit IMSI on MCC 460 (China), MNC 00.</summary>
    public static string NewImsi() => "46000" + RandomDigits(10);

    public static string NewRequestId() => Guid.NewGuid().ToString("N");

    public static string AccountPath(string msisdn) => "/simulator/billing/accounts/" + Uri.EscapeDataString(msisdn);

    public static string SubscriptionPath(string msisdn) => "/simulator/network/subscriptions/" + Uri.EscapeDataString(msisdn);

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    private static string RandomDigits(int count) => new(RandomNumberGenerator.GetItems<char>("0123456789", count));

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await Services.DisposeAsync();
        await Simulator.StopAsync(CancellationToken.None);
        await Simulator.DisposeAsync();
    }
}

/// <summary>Simulators shared by a test class whose tests only use their own numbers and never flip behaviour switches.</summary>
public sealed class SharedSimulators : IAsyncLifetime
{
    public BackendHarness Harness { get; private set; } = null!;

    public async ValueTask InitializeAsync() => Harness = await BackendHarness.StartAsync();

    public async ValueTask DisposeAsync() => await Harness.DisposeAsync();
}
