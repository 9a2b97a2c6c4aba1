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
/// and network simulators in this process on free loopback ports, points the clients at them, and tells
/// them what the database knows (profiles, balances, subscriptions), so a demo cancellation really goes
/// through ES2+, a final bill and a deprovisioning. On by default for SQLite when no <c>Smdp:BaseUrl</c>
/// is configured (<c>Simulators:Embedded</c> overrides).
/// </summary>
public sealed class EmbeddedSimulators(IConfiguration configuration, LastCallSettings settings, IDbContextFactory<AppDbContext> contexts, ILogger<EmbeddedSimulators> logger) : IHostedService, IAsyncDisposable
{
    private WebApplication? _smdp;
    private WebApplication? _backends;

    public bool Enabled { get; } = IsEnabled(configuration, settings);

    // Ports are chosen when the service is created, before anything reads the clients' options.
    public string? SmdpBaseUrl { get; } = EmbeddedUrl(configuration, settings);

    public string? BackendsBaseUrl { get; } = EmbeddedUrl(configuration, settings);

    private static string? EmbeddedUrl(IConfiguration configuration, LastCallSettings settings) =>
        IsEnabled(configuration, settings) ? $"http://127.0.0.1:{FreeLoopbackPort()}/" : null;

    private static bool IsEnabled(IConfiguration configuration, LastCallSettings settings) =>
        configuration.GetValue<bool?>("Simulators:Embedded") ?? (settings.Provider == DatabaseProvider.Sqlite && string.IsNullOrEmpty(configuration["Smdp:BaseUrl"]));

    private static int FreeLoopbackPort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (!Enabled)
            return;
        _smdp = await SmdpSimulatorApp.StartAsync(SmdpBaseUrl!.TrimEnd('/'), [], cancellationToken);
        _backends = await BackendSimulatorsApp.StartAsync(BackendsBaseUrl!.TrimEnd('/'), [], cancellationToken);
        var seeded = await SeedAsync(cancellationToken);
        logger.LogInformation("Embedded simulators: SM-DP+ at {Smdp}, billing and network at {Backends} ({Lines} lines)", SmdpBaseUrl, BackendsBaseUrl, seeded);
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
        var lines = await db.Lines.AsNoTracking().Where(l => l.Status != LineStatus.Cancelled).ToListAsync(ct);
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
