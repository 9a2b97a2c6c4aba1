using System.Net.Http.Json;
using LastCall.Data;
using LastCall.Domain.Lines;
using LastCall.SmdpSimulator;
using Microsoft.EntityFrameworkCore;

namespace LastCall.Hosting;

/// <summary>
/// The embedded default runs with no outside systems: it starts the SM-DP+ simulator in this process
/// on a free loopback port, points the ES2+ client at it, and tells it about every eSIM profile the
/// database knows, so a demo cancellation really goes through ES2+. On by default for SQLite when no
/// <c>Smdp:BaseUrl</c> is configured (<c>Simulators:Embedded</c> overrides).
/// </summary>
public sealed class EmbeddedSimulators(IConfiguration configuration, LastCallSettings settings, IDbContextFactory<AppDbContext> contexts, ILogger<EmbeddedSimulators> logger) : IHostedService, IAsyncDisposable
{
    private WebApplication? _smdp;

    public bool Enabled { get; } = configuration.GetValue<bool?>("Simulators:Embedded")
        ?? (settings.Provider == DatabaseProvider.Sqlite && string.IsNullOrEmpty(configuration["Smdp:BaseUrl"]));

    public string? SmdpBaseUrl { get; private set; }

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (!Enabled)
            return;
        _smdp = await SmdpSimulatorApp.StartAsync("http://127.0.0.1:0", [], cancellationToken);
        SmdpBaseUrl = SmdpSimulatorApp.GetBaseAddress(_smdp).ToString();
        var seeded = await SeedProfilesAsync(cancellationToken);
        logger.LogInformation("Embedded SM-DP+ simulator at {Url} ({Profiles} profiles)", SmdpBaseUrl, seeded);
    }

    /// <summary>Tells the simulator about every profile of a live line, in the state we know it in.</summary>
    public async Task<int> SeedProfilesAsync(CancellationToken ct)
    {
        if (SmdpBaseUrl is null)
            return 0;
        await using var db = await contexts.CreateDbContextAsync(ct);
        var profiles = await db.EsimProfiles.AsNoTracking()
            .Join(db.Lines.Where(l => l.Status != LineStatus.Cancelled), p => p.LineId, l => l.Id, (p, _) => p)
            .ToListAsync(ct);
        using var http = new HttpClient { BaseAddress = new Uri(SmdpBaseUrl) };
        foreach (var profile in profiles)
        {
            using var response = await http.PutAsJsonAsync($"simulator/profiles/{profile.Iccid.Value}", new { eid = profile.Eid?.Value, state = profile.State.ToString() }, ct);
            response.EnsureSuccessStatusCode();
        }
        return profiles.Count;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_smdp is not null)
            await _smdp.StopAsync(cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        if (_smdp is not null)
            await _smdp.DisposeAsync();
    }
}
