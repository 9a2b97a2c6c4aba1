using System.Globalization;

namespace LastCall.Web;

/// <summary>
/// How the UI writes dates, times and money: ISO dates, times in the operator's time zone
/// (<c>Policies:TimeZone</c>, <see cref="Hosting.PolicySettings.TimeZone"/>), two decimals with the currency.
/// The zone is the request's, like its culture: the UI middleware sets it for every UI request
/// (<see cref="UseZone"/>), so pages and partials format without passing it around.
/// </summary>
public static class PageFormat
{
    private static readonly AsyncLocal<TimeZoneInfo?> RequestZone = new();

    /// <summary>The time zone times are shown in for the current request (UTC outside a UI request).</summary>
    public static TimeZoneInfo Zone => RequestZone.Value ?? TimeZoneInfo.Utc;

    /// <summary>Shows times in <paramref name="zone"/> for the rest of the current request (the async flow that follows).</summary>
    public static void UseZone(TimeZoneInfo zone) => RequestZone.Value = zone;

    public static string Date(DateOnly date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    public static string Time(DateTimeOffset at) => Time(at, Zone);

    public static string Time(DateTimeOffset at, TimeZoneInfo zone) => TimeZoneInfo.ConvertTime(at, zone).ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture);

    public static string Money(decimal amount, string currency) =>
        (currency == "CNY" ? "¥" : currency + " ") + amount.ToString("0.00", CultureInfo.InvariantCulture);
}
