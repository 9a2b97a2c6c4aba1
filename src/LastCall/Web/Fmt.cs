using System.Globalization;

namespace LastCall.Web;

/// <summary>How the UI writes dates, times and money: ISO dates, times in the operator's time zone (Asia/Shanghai), two decimals with the currency.</summary>
public static class Fmt
{
    private static readonly TimeZoneInfo Zone = TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai");

    public static string Date(DateOnly date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    public static string Time(DateTimeOffset at) => TimeZoneInfo.ConvertTime(at, Zone).ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture);

    public static string Money(decimal amount, string currency) =>
        (currency == "CNY" ? "¥" : currency + " ") + amount.ToString("0.00", CultureInfo.InvariantCulture);
}
