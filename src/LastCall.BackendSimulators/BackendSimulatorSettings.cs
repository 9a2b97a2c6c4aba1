using System.Globalization;

namespace LastCall.BackendSimulators;

/// <summary>
/// The simulators' configuration, read once at start. Keys: <c>Simulator:StateFile</c> (optional JSON file that keeps
/// the state across restarts), <c>Billing:DefaultCurrency</c> (the currency of an account seeded without one),
/// <c>Billing:DefaultMonthlyCharge</c> (the monthly bill of a seeded history that names no charge; 58.00).
/// </summary>
public sealed record BackendSimulatorSettings(string? StateFile, string DefaultCurrency, decimal DefaultMonthlyCharge = BackendSimulatorSettings.StandardMonthlyCharge)
{
    public const decimal StandardMonthlyCharge = 58.00m;

    public const string DefaultCurrencyCode = "CNY";

    public static BackendSimulatorSettings From(IConfiguration configuration)
    {
        var currency = NonEmpty(configuration["Billing:DefaultCurrency"])?.ToUpper(CultureInfo.InvariantCulture) ?? DefaultCurrencyCode;
        if (!Wire.Amounts.IsCurrencyCode(currency))
            throw new InvalidOperationException($"Billing:DefaultCurrency must be a three-letter ISO 4217 code, not '{currency}'.");
        var charge = configuration.GetValue("Billing:DefaultMonthlyCharge", StandardMonthlyCharge);
        if (charge < 0 || !Wire.Amounts.HasAtMostTwoDecimals(charge))
            throw new InvalidOperationException("Billing:DefaultMonthlyCharge must be zero or more, with at most two decimal places.");
        return new BackendSimulatorSettings(NonEmpty(configuration["Simulator:StateFile"]), currency, charge);
    }

    private static string? NonEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;
}
