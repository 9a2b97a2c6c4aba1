using System.Text.Json;
using LastCall.Domain.Calendar;

namespace LastCall.Hosting;

/// <summary>
/// Reads a public-holiday calendar: <c>{"years": {"2026": {"status", "holidays": [dates],
/// "workingWeekendDays": [dates]}}}</c>. The shipped file covers mainland China for the current and
/// next year; an operator points <c>Policies:HolidayCalendarFile</c> at their own.
/// </summary>
public static class HolidayCalendarFile
{
    private const string ShippedResource = "LastCall.Resources.holidays-cn.json";
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public sealed record YearEntry(string? Status, List<DateOnly> Holidays, List<DateOnly>? WorkingWeekendDays);

    public sealed record CalendarDocument(string? Calendar, Dictionary<string, YearEntry> Years);

    public static (WorkingDayCalendar Calendar, CalendarDocument Document) Load(string? path)
    {
        using var stream = path is { Length: > 0 }
            ? File.OpenRead(path)
            : typeof(HolidayCalendarFile).Assembly.GetManifestResourceStream(ShippedResource)
                ?? throw new InvalidOperationException("The shipped holiday calendar is missing from the build.");
        CalendarDocument? document;
        try
        {
            document = JsonSerializer.Deserialize<CalendarDocument>(stream, Json);
        }
        catch (JsonException e)
        {
            throw new InvalidOperationException($"Policies:HolidayCalendarFile '{path}' is not a valid holiday calendar: {e.Message}", e);
        }
        if (document?.Years is null)
            throw new InvalidOperationException($"Policies:HolidayCalendarFile '{path}' has no \"years\".");
        var calendar = new WorkingDayCalendar(
            document.Years.Values.SelectMany(y => y.Holidays ?? []),
            document.Years.Values.SelectMany(y => y.WorkingWeekendDays ?? []));
        return (calendar, document);
    }
}
