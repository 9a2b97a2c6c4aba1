using System.Text.Json.Serialization;
using LastCall.BackendSimulators.Admin;
using LastCall.BackendSimulators.Behaviour;
using LastCall.BackendSimulators.Billing;
using LastCall.BackendSimulators.Network;
using LastCall.BackendSimulators.State;
using LastCall.BackendSimulators.Wire;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace LastCall.BackendSimulators;

/// <summary>
/// Builds the simulated billing system (BSS) and network provisioning (HSS/UDM), one process for both. As a process:
/// <c>Build(args).RunAsync()</c> (see Program). In-process, e.g. from the LastCall host or a test:
/// <c>await using var backends = await BackendSimulatorsApp.StartAsync("http://127.0.0.1:0")</c>, then
/// <c>BackendSimulatorsApp.GetBaseAddress(backends)</c> for the bound address. Plain HTTP, meant for loopback.
/// </summary>
public static class BackendSimulatorsApp
{
    public const string DefaultUrl = "http://127.0.0.1:5082";

    /// <summary>
    /// Configuration comes only from <paramref name="settings"/>, the command line and BACKENDSIM_-prefixed environment
    /// variables (e.g. BACKENDSIM_Simulator__StateFile) — never from a host's appsettings.json, so in-process
    /// simulators cannot pick up the settings of the application that embeds them.
    /// </summary>
    public static WebApplication Build(string[] args, IEnumerable<KeyValuePair<string, string?>>? settings = null)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
        {
            Args = args,
            ApplicationName = typeof(BackendSimulatorsApp).Assembly.GetName().Name,
        });
        builder.Configuration.Sources.Clear();
        builder.Configuration
            .AddInMemoryCollection(Defaults)
            .AddEnvironmentVariables("BACKENDSIM_")
            .AddCommandLine(args)
            .AddInMemoryCollection(settings ?? []);

        builder.Services.AddSingleton(BackendSimulatorSettings.From(builder.Configuration));
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<SimulatorState>();
        builder.Services.AddSingleton<SimulatorBehaviour>();
        builder.Services.AddSingleton<CallLog>();
        builder.Services.AddSingleton<OperationPipeline>();
        builder.Services.ConfigureHttpJsonOptions(o => o.SerializerOptions.Converters.Add(new JsonStringEnumConverter()));

        var app = builder.Build();
        if (string.IsNullOrWhiteSpace(app.Configuration["urls"]))
            app.Urls.Add(DefaultUrl);
        app.MapBilling();
        app.MapNetwork();
        app.MapSimulatorAdmin();
        app.MapGet("/", () => Results.Text(
            $"LastCall back-end simulators. Billing (BSS) under {WireProtocol.BillingBasePath}, network provisioning (HSS/UDM) under {WireProtocol.NetworkBasePath}, controls under /simulator."));
        return app;
    }

    /// <summary>Starts in-process simulators on <paramref name="url"/> (port 0 picks a free port).</summary>
    public static async Task<WebApplication> StartAsync(string url = "http://127.0.0.1:0", IEnumerable<KeyValuePair<string, string?>>? settings = null, CancellationToken cancellationToken = default)
    {
        var app = Build([], settings);
        app.Urls.Clear();
        app.Urls.Add(url);
        await app.StartAsync(cancellationToken);
        return app;
    }

    /// <summary>The address started simulators listen on, with the real port when they were started on port 0.</summary>
    public static Uri GetBaseAddress(WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses;
        return new Uri(addresses?.FirstOrDefault() ?? throw new InvalidOperationException("The simulators have not been started."));
    }

    private static readonly Dictionary<string, string?> Defaults = new()
    {
        ["Logging:LogLevel:Default"] = "Information",
        ["Logging:LogLevel:Microsoft.AspNetCore"] = "Warning",
        ["Logging:LogLevel:Microsoft.Hosting.Lifetime"] = "Information",
    };
}
