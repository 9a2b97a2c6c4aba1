namespace LastCall.Domain.Calendar;

/// <summary>Dates are the operator's: "today" is the day in the operator's time zone, whatever the server's.</summary>
public static class OperatorTime
{
    public static DateOnly DayAt(this TimeZoneInfo operatorZone, DateTimeOffset instant) =>
        DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(instant, operatorZone).DateTime);
}
