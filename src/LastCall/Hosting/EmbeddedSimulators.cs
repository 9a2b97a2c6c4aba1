using System.Net.Http.Json;
using LastCall.Data;
using LastCall.Domain.Lines;
using LastCall.BackendSimulators;
using LastCall.Domain.Customers;
using LastCall.SmdpSimulator;
using Microsoft.EntityFrameworkCore;

namespace LastCall.Hosting;

/// <summary>
/// The embedded default runs with no outside systems: it starts the SM-DP+ simulator and the billing
/// and network simulators in this process on loopback ports of their own choosing, points the clients at them, and tells
/// them what the database knows (profiles, balances, subscriptions), so a demo cancellation really goes
/// through ES2+, a final bill and a deprovisioning. On by default for SQLite when no <c>Smdp:BaseUrl</c>
/// is configured (<c>Simulators:Embedded</c> overrides).
/// </summary>
public sealed class EmbeddedSimulators(IConfiguration configuration, LastCallSettings settings, IDbContextFactory<AppDbContext> contexts, ILogger<EmbeddedSimulators> logger) : IHostedService, IAsyncDisposable
{
    private WebApplication? _smdp;
    private WebApplication? _backends;

    public bool Enabled { get; } = configuration.GetValue<bool?>("Simulators:Embedded") ?? (settings.Provider == DatabaseProvider.Sqlite && string.IsNullOrEmpty(configuration["Smdp:BaseUrl"]));

    /// <summary>
    /// The SM-DP+ simulator's address (null when the simulators are not embedded). The simulators bind port 0 and
    /// the real port is read back: a port chosen earlier and bound later can be taken meanwhile by another process on
    /// a busy machine. They start when their address is first needed (the clients' options are validated before any
    /// hosted service starts), or with this service, whichever comes first.
    /// </summary>
    public string? SmdpBaseUrl => Enabled ? Address(EnsureStarted().Smdp) : null;

    /// <summary>The billing and network simulators' address (null when not embedded).</summary>
    public string? BackendsBaseUrl => Enabled ? Address(EnsureStarted().Backends) : null;

    private readonly Lock _startGate = new();

    private (WebApplication Smdp, WebApplication Backends) EnsureStarted()
    {
        lock (_startGate)
        {
            // Startup code without a synchronization context: blocking here cannot deadlock.
            _smdp ??= SmdpSimulatorApp.StartAsync("http://127.0.0.1:0", Quiet).GetAwaiter().GetResult();
            _backends ??= BackendSimulatorsApp.StartAsync("http://127.0.0.1:0", Quiet).GetAwaiter().GetResult();
            return (_smdp, _backends);
        }
    }

    private static string Address(WebApplication simulator) =>
        simulator.Services.GetRequiredService<Microsoft.AspNetCore.Hosting.Server.IServer>()
            .Features.Get<Microsoft.AspNetCore.Hosting.Server.Features.IServerAddressesFeature>()!.Addresses.First().TrimEnd('/') + "/";

    /// <summary>The simulators' own start-up lines ("Now listening on") would be mistaken for the product's.</summary>
    private static readonly Dictionary<string, string?> Quiet = new() { ["Logging:LogLevel:Microsoft.Hosting.Lifetime"] = "Warning" };

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (!Enabled)
            return;
        EnsureStarted();
        var seeded = await SeedAsync(cancellationToken);
        // Not "Now listening on": that line is the product's own, and a newcomer should open the product's address.
        logger.LogInformation("Embedded SM-DP+ simulator at {Smdp}, embedded billing and network simulators at {Backends} ({Lines} lines seeded)", SmdpBaseUrl, BackendsBaseUrl, seeded);
    }

    /// <summary>
    /// Tells the simulators about every live line: its profiles in the state we know, its billing
    /// account (balance, arrears, deposit) and its network subscription. Returns the number of lines.
    /// </summary>
    public async Task<int> SeedAsync(CancellationToken ct)
    {
        if (SmdpBaseUrl is null || BackendsBaseUrl is null)
            return 0;
        await using var db = await contexts.CreateDbContextAsync(ct);
        var lines = await db.Lines.AsNoTracking().Where(Line.Live).ToListAsync(ct);
        var accounts = await db.BillingAccounts.AsNoTracking().ToDictionaryAsync(a => a.LineId, ct);
        using var smdp = new HttpClient { BaseAddress = new Uri(SmdpBaseUrl) };
        using var backends = new HttpClient { BaseAddress = new Uri(BackendsBaseUrl) };
        foreach (var line in lines)
        {
            foreach (var profile in line.Profiles)
                await PutAsync(smdp, $"simulator/profiles/{profile.Iccid.Value}", new { eid = profile.Eid?.Value, state = profile.State.ToString() }, ct);
            var number = Uri.EscapeDataString(line.Msisdn.Value);
            var account = accounts.GetValueOrDefault(line.Id);
            await PutAsync(backends, $"simulator/billing/accounts/{number}",
                new { currency = account?.Currency ?? settings.Currency, balance = account?.Balance ?? 0, arrears = account?.Arrears ?? 0, unbilledUsage = account?.UnbilledUsage ?? 0, deposit = account?.Deposit ?? 0, activatedOn = line.ActivatedOn }, ct);
            await PutAsync(backends, $"simulator/network/subscriptions/{number}", new { imsi = ImsiFor(line.Msisdn.Value) }, ct);
        }
        return lines.Count;
    }

    /// <summary>A stable made-up IMSI (MCC 460, MNC 00) for the simulator's subscription records.</summary>
    private static string ImsiFor(string msisdn) => "46000" + msisdn[^10..];

    private static async Task PutAsync(HttpClient http, string path, object body, CancellationToken ct)
    {
        using var response = await http.PutAsJsonAsync(path, body, ct);
        response.EnsureSuccessStatusCode();
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_smdp is not null)
            await _smdp.StopAsync(cancellationToken);
        if (_backends is not null)
            await _backends.StopAsync(cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        if (_smdp is not null)
            await _smdp.DisposeAsync();
        if (_backends is not null)
            await _backends.DisposeAsync();
    }
}
