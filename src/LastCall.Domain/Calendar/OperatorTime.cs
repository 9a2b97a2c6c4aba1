namespace LastCall.Domain.Calendar;

/// <summary>Dates are the operator's: "today" is the day in the operator's time zone, whatever the server's.</summary>
public static class OperatorTime
{
    public static DateOnly DayAt(this TimeZoneInfo operatorZone, DateTimeOffset instant) =>
        DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(instant, operatorZone).DateTime);

    /// <summary>The instant the operator's <paramref name="day"/> begins, in UTC (as the database stores instants).</summary>
    public static DateTimeOffset StartOfDay(this TimeZoneInfo operatorZone, DateOnly day)
    {
        var midnight = day.ToDateTime(TimeOnly.MinValue, DateTimeKind.Unspecified);
        return new DateTimeOffset(midnight, operatorZone.GetUtcOffset(midnight)).ToUniversalTime();
    }
}
