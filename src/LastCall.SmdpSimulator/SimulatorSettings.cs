namespace LastCall.SmdpSimulator;

/// <summary>
/// The simulator's configuration, read once at start. Keys: <c>Smdp:CallbackUrl</c> (the operator's ES2+
/// base address for handleDownloadProgressInfo; empty = no notifications), <c>Smdp:Address</c> (the SM-DP+
/// address confirmOrder answers), <c>Smdp:RequesterId</c> (our functionRequesterIdentifier in notifications),
/// <c>Simulator:StateFile</c> (optional JSON file that keeps the state across restarts).
/// </summary>
public sealed record SimulatorSettings(Uri? CallbackUrl, string SmdpAddress, string RequesterId, string? StateFile)
{
    public const string DefaultSmdpAddress = "smdp.simulator.lastcall.local";
    public const string DefaultRequesterId = "lastcall-smdp-simulator";

    public static SimulatorSettings From(IConfiguration configuration)
    {
        var callback = configuration["Smdp:CallbackUrl"];
        return new SimulatorSettings(
            string.IsNullOrWhiteSpace(callback) ? null : new Uri(callback, UriKind.Absolute),
            NonEmpty(configuration["Smdp:Address"]) ?? DefaultSmdpAddress,
            NonEmpty(configuration["Smdp:RequesterId"]) ?? DefaultRequesterId,
            NonEmpty(configuration["Simulator:StateFile"]));
    }

    private static string? NonEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;
}
