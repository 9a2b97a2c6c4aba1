using System.Globalization;

namespace LastCall.BackendSimulators;

/// <summary>
/// The simulators' configuration, read once at start. Keys: <c>Simulator:StateFile</c> (optional JSON file that keeps
/// the state across restarts), <c>Billing:DefaultCurrency</c> (the currency of an account seeded without one).
/// </summary>
public sealed record BackendSimulatorSettings(string? StateFile, string DefaultCurrency)
{
    public const string DefaultCurrencyCode = "CNY";

    public static BackendSimulatorSettings From(IConfiguration configuration)
    {
        var currency = NonEmpty(configuration["Billing:DefaultCurrency"])?.ToUpper(CultureInfo.InvariantCulture) ?? DefaultCurrencyCode;
        if (!Wire.Amounts.IsCurrencyCode(currency))
            throw new InvalidOperationException($"Billing:DefaultCurrency must be a three-letter ISO 4217 code, not '{currency}'.");
        return new BackendSimulatorSettings(NonEmpty(configuration["Simulator:StateFile"]), currency);
    }

    private static string? NonEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;
}
