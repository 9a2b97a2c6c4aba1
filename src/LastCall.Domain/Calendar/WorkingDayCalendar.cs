namespace LastCall.Domain.Calendar;

/// <summary>
/// Working days for SLAs: Monday to Friday, minus public holidays, plus the weekend days that are
/// declared working days (调休). Built from the shipped holiday file or an operator's replacement.
/// </summary>
public sealed class WorkingDayCalendar
{
    private readonly HashSet<DateOnly> _holidays;
    private readonly HashSet<DateOnly> _workingWeekendDays;

    public WorkingDayCalendar(IEnumerable<DateOnly> holidays, IEnumerable<DateOnly> workingWeekendDays)
    {
        _holidays = [.. holidays];
        _workingWeekendDays = [.. workingWeekendDays];
    }

    public static WorkingDayCalendar WeekdaysOnly { get; } = new([], []);

    public bool IsWorkingDay(DateOnly day)
    {
        if (_holidays.Contains(day))
            return false;
        if (_workingWeekendDays.Contains(day))
            return true;
        return day.DayOfWeek is not (DayOfWeek.Saturday or DayOfWeek.Sunday);
    }

    /// <summary>The working day that is <paramref name="workingDays"/> working days after <paramref name="start"/> (the start day itself not counted).</summary>
    public DateOnly AddWorkingDays(DateOnly start, int workingDays)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(workingDays);
        var day = start;
        var left = workingDays;
        while (left > 0)
        {
            day = day.AddDays(1);
            if (IsWorkingDay(day))
                left--;
        }
        return day;
    }
}
