using System.Text.Json.Serialization;
using LastCall.SmdpSimulator.Admin;
using LastCall.SmdpSimulator.Behaviour;
using LastCall.SmdpSimulator.Es2Plus;
using LastCall.SmdpSimulator.Notifications;
using LastCall.SmdpSimulator.Profiles;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace LastCall.SmdpSimulator;

/// <summary>
/// Builds the simulated SM-DP+. As a process: <c>Build(args).RunAsync()</c> (see Program). In-process, e.g. from
/// the LastCall host or a test: <c>await using var smdp = await SmdpSimulatorApp.StartAsync("http://127.0.0.1:0")</c>,
/// then <c>SmdpSimulatorApp.GetBaseAddress(smdp)</c> for the bound address. Plain HTTP, meant for loopback.
/// </summary>
public static class SmdpSimulatorApp
{
    public const string DefaultUrl = "http://127.0.0.1:5081";

    /// <summary>
    /// Configuration comes only from <paramref name="settings"/>, the command line and SMDPSIM_-prefixed environment
    /// variables (e.g. SMDPSIM_Smdp__CallbackUrl) — never from a host's appsettings.json, so an in-process
    /// simulator cannot pick up the settings of the application that embeds it.
    /// </summary>
    public static WebApplication Build(string[] args, IEnumerable<KeyValuePair<string, string?>>? settings = null)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
        {
            Args = args,
            ApplicationName = typeof(SmdpSimulatorApp).Assembly.GetName().Name,
        });
        builder.Configuration.Sources.Clear();
        builder.Configuration
            .AddInMemoryCollection(Defaults)
            .AddEnvironmentVariables("SMDPSIM_")
            .AddCommandLine(args)
            .AddInMemoryCollection(settings ?? []);

        var simulatorSettings = SimulatorSettings.From(builder.Configuration);
        builder.Services.AddSingleton(simulatorSettings);
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<ProfileStore>();
        builder.Services.AddSingleton<SimulatorBehaviour>();
        builder.Services.AddSingleton<CallLog>();
        builder.Services.AddSingleton<NotificationLog>();
        builder.Services.AddSingleton<Es2PlusHandler>();
        builder.Services.AddHttpClient<DownloadProgressNotifier>(http => http.Timeout = TimeSpan.FromSeconds(10));
        builder.Services.ConfigureHttpJsonOptions(o => o.SerializerOptions.Converters.Add(new JsonStringEnumConverter()));

        var app = builder.Build();
        if (string.IsNullOrWhiteSpace(app.Configuration["urls"]))
            app.Urls.Add(DefaultUrl);
        app.MapEs2Plus();
        app.MapSimulatorAdmin();
        app.MapGet("/", () => Results.Text("LastCall SM-DP+ simulator (GSMA SGP.22 ES2+). ES2+ under /gsma/rsp2/es2plus, controls under /simulator."));
        return app;
    }

    /// <summary>Starts an in-process simulator on <paramref name="url"/> (port 0 picks a free port).</summary>
    public static async Task<WebApplication> StartAsync(string url = "http://127.0.0.1:0", IEnumerable<KeyValuePair<string, string?>>? settings = null, CancellationToken cancellationToken = default)
    {
        var app = Build([], settings);
        app.Urls.Clear();
        app.Urls.Add(url);
        await app.StartAsync(cancellationToken);
        return app;
    }

    /// <summary>The address a started simulator listens on, with the real port when it was started on port 0.</summary>
    public static Uri GetBaseAddress(WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses;
        return new Uri(addresses?.FirstOrDefault() ?? throw new InvalidOperationException("The simulator has not been started."));
    }

    private static readonly Dictionary<string, string?> Defaults = new()
    {
        ["Logging:LogLevel:Default"] = "Information",
        ["Logging:LogLevel:Microsoft.AspNetCore"] = "Warning",
        ["Logging:LogLevel:Microsoft.Hosting.Lifetime"] = "Information",
        ["Logging:LogLevel:System.Net.Http.HttpClient"] = "Warning",
    };
}
