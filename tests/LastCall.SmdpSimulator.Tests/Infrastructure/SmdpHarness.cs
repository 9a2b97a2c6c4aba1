using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using LastCall.Integrations.Smdp;
using LastCall.SmdpSimulator.Behaviour;
using LastCall.SmdpSimulator.Profiles;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Sim = LastCall.SmdpSimulator;

namespace LastCall.SmdpSimulator.Tests.Infrastructure;

/// <summary>
/// An in-process simulator on a free loopback port, the real <see cref="Es2PlusClient"/> registered through
/// <see cref="SmdpServiceCollectionExtensions.AddSmdpClient"/> against it, and a plain HttpClient for the
/// simulator's controls and for raw wire-level requests.
/// </summary>
public sealed class SmdpHarness : IAsyncDisposable
{
    public const string RequesterId = "lastcall-tests";

    private SmdpHarness(WebApplication simulator, Uri baseAddress, ServiceProvider services)
    {
        Simulator = simulator;
        BaseAddress = baseAddress;
        Services = services;
        Client = services.GetRequiredService<ISmdpClient>();
        Http = new HttpClient { BaseAddress = baseAddress };
    }

    public WebApplication Simulator { get; }
    public Uri BaseAddress { get; }
    public ServiceProvider Services { get; }
    public ISmdpClient Client { get; }
    public HttpClient Http { get; }

    /// <summary>
    /// Client defaults keep tests fast: 2 s attempts, two retries 10 ms apart, a circuit that needs 100
    /// failures to open. <paramref name="client"/> and <paramref name="simulator"/> override settings.
    /// </summary>
    public static async Task<SmdpHarness> StartAsync(IReadOnlyDictionary<string, string?>? client = null, IReadOnlyDictionary<string, string?>? simulator = null)
    {
        var simulatorSettings = new Dictionary<string, string?> { ["Logging:LogLevel:Default"] = "Warning" };
        foreach (var (key, value) in simulator ?? new Dictionary<string, string?>())
            simulatorSettings[key] = value;
        var app = await Sim.SmdpSimulatorApp.StartAsync("http://127.0.0.1:0", simulatorSettings, TestContext.Current.CancellationToken);
        var baseAddress = Sim.SmdpSimulatorApp.GetBaseAddress(app);
        return new SmdpHarness(app, baseAddress, ClientServices(baseAddress, client));
    }

    /// <summary>A DI container holding only the ES2+ client, configured like the host would from a "Smdp" section.</summary>
    public static ServiceProvider ClientServices(Uri baseAddress, IReadOnlyDictionary<string, string?>? overrides = null)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Smdp:BaseUrl"] = baseAddress.ToString(),
            ["Smdp:RequesterId"] = RequesterId,
            ["Smdp:TimeoutSeconds"] = "2",
            ["Smdp:TotalTimeoutSeconds"] = "8",
            ["Smdp:MaxRetryAttempts"] = "2",
            ["Smdp:RetryBaseDelaySeconds"] = "0.01",
            ["Smdp:CircuitMinimumThroughput"] = "100",
            ["Smdp:CircuitBreakDurationSeconds"] = "1",
        };
        foreach (var (key, value) in overrides ?? new Dictionary<string, string?>())
            settings[key] = value;
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSmdpClient(configuration.GetSection("Smdp"));
        return services.BuildServiceProvider();
    }

    public async Task<ProfileView> SeedAsync(string iccid, ProfileState state, string? eid = null, string? profileType = null, string? matchingId = null)
    {
        using var response = await Http.PutAsJsonAsync($"/simulator/profiles/{iccid}", new { eid, state, profileType, matchingId }, Sim.Es2Plus.Es2PlusProtocol.Json, Token);
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<ProfileView>(Sim.Es2Plus.Es2PlusProtocol.Json, Token))!;
    }

    public async Task<ProfileView> ProfileAsync(string iccid) =>
        (await Http.GetFromJsonAsync<ProfileView>($"/simulator/profiles/{iccid}", Sim.Es2Plus.Es2PlusProtocol.Json, Token))!;

    public async Task<IReadOnlyList<CallRecord>> CallsAsync(string? iccid = null, string? function = null)
    {
        var query = new List<string>();
        if (iccid is not null)
            query.Add("iccid=" + iccid);
        if (function is not null)
            query.Add("function=" + function);
        return (await Http.GetFromJsonAsync<List<CallRecord>>("/simulator/calls?" + string.Join('&', query), Sim.Es2Plus.Es2PlusProtocol.Json, Token))!;
    }

    public async Task SetBehaviourAsync(BehaviourSettings behaviour)
    {
        using var response = await Http.PutAsJsonAsync("/simulator/behaviour", behaviour, Sim.Es2Plus.Es2PlusProtocol.Json, Token);
        response.EnsureSuccessStatusCode();
    }

    /// <summary>A hand-made ES2+ request, for what the real client never sends (bad headers, missing fields).</summary>
    public async Task<HttpResponseMessage> PostRawAsync(string function, string json, string? adminProtocol = "gsma/rsp/v2.0.0")
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/gsma/rsp2/es2plus/" + function)
        {
            Content = new StringContent(json, Encoding.UTF8, "application/json"),
        };
        if (adminProtocol is not null)
            request.Headers.Add("X-Admin-Protocol", adminProtocol);
        return await Http.SendAsync(request, Token);
    }

    /// <summary>The functions applied to a profile by ES2+ calls (seeding and device steps left out).</summary>
    public static IReadOnlyList<ProfileEvent> Es2PlusHistory(ProfileView profile, string function) =>
        [.. profile.History.Where(e => e.Function == function)];

    /// <summary>A fresh 19-digit ICCID (89 = telecom, 86 = China), so tests sharing a simulator never collide.</summary>
    public static string NewIccid() => "8986" + RandomDigits(15);

    public static string NewEid() => "89049032" + RandomDigits(24);

    public static string NewCallId() => Guid.NewGuid().ToString("N");

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

/// <summary>One simulator shared by a test class whose tests only use their own ICCIDs and never flip behaviour switches.</summary>
public sealed class SharedSimulator : IAsyncLifetime
{
    public SmdpHarness Harness { get; private set; } = null!;

    public async ValueTask InitializeAsync() => Harness = await SmdpHarness.StartAsync();

    public async ValueTask DisposeAsync() => await Harness.DisposeAsync();
}
