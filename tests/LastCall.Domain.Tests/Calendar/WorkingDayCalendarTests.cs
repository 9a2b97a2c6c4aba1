using LastCall.Domain.Calendar;

namespace LastCall.Domain.Tests.Calendar;

public class WorkingDayCalendarTests
{
    /// <summary>
    /// The 2026 mainland China schedule (State Council General Office notice), the same dates the
    /// host ships in Resources/holidays-cn.json. Holidays include the weekend days inside each break;
    /// make-up working days (调休) are Saturdays or Sundays.
    /// </summary>
    private static readonly WorkingDayCalendar China2026 = new(
        [
            // New Year's Day: Thu Jan 1 – Sat Jan 3.
            D("2026-01-01"), D("2026-01-02"), D("2026-01-03"),
            // Spring Festival: Sun Feb 15 – Mon Feb 23.
            D("2026-02-15"), D("2026-02-16"), D("2026-02-17"), D("2026-02-18"), D("2026-02-19"),
            D("2026-02-20"), D("2026-02-21"), D("2026-02-22"), D("2026-02-23"),
            // Qingming: Sat Apr 4 – Mon Apr 6.
            D("2026-04-04"), D("2026-04-05"), D("2026-04-06"),
            // Labour Day: Fri May 1 – Tue May 5.
            D("2026-05-01"), D("2026-05-02"), D("2026-05-03"), D("2026-05-04"), D("2026-05-05"),
            // Dragon Boat: Fri Jun 19 – Sun Jun 21.
            D("2026-06-19"), D("2026-06-20"), D("2026-06-21"),
            // Mid-Autumn: Fri Sep 25 – Sun Sep 27.
            D("2026-09-25"), D("2026-09-26"), D("2026-09-27"),
            // National Day: Thu Oct 1 – Wed Oct 7.
            D("2026-10-01"), D("2026-10-02"), D("2026-10-03"), D("2026-10-04"), D("2026-10-05"),
            D("2026-10-06"), D("2026-10-07"),
        ],
        [
            D("2026-01-04"), // Sunday
            D("2026-02-14"), // Saturday
            D("2026-02-28"), // Saturday
            D("2026-05-09"), // Saturday
            D("2026-09-20"), // Sunday
            D("2026-10-10"), // Saturday
        ]);

    private static DateOnly D(string iso) => DateOnly.ParseExact(iso, "yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);

    // ---- IsWorkingDay: plain weeks ----

    [Theory]
    [InlineData("2026-03-09")] // Monday
    [InlineData("2026-03-10")] // Tuesday
    [InlineData("2026-03-11")] // Wednesday
    [InlineData("2026-03-12")] // Thursday
    [InlineData("2026-03-13")] // Friday
    public void IsWorkingDay_WeekdayWithoutHolidays_True(string day)
    {
        Assert.True(WorkingDayCalendar.WeekdaysOnly.IsWorkingDay(D(day)));
        Assert.True(China2026.IsWorkingDay(D(day)));
    }

    [Theory]
    [InlineData("2026-03-14")] // Saturday
    [InlineData("2026-03-15")] // Sunday
    public void IsWorkingDay_OrdinaryWeekend_False(string day)
    {
        Assert.False(WorkingDayCalendar.WeekdaysOnly.IsWorkingDay(D(day)));
        Assert.False(China2026.IsWorkingDay(D(day)));
    }

    // ---- IsWorkingDay: the China 2026 schedule ----

    [Theory]
    [InlineData("2026-01-01")] // Thursday, New Year's Day
    [InlineData("2026-02-16")] // Monday, Spring Festival
    [InlineData("2026-02-23")] // Monday, last day of the Spring Festival break
    [InlineData("2026-05-01")] // Friday, Labour Day
    [InlineData("2026-05-05")] // Tuesday, last day of the Labour Day break
    [InlineData("2026-09-25")] // Friday, Mid-Autumn
    [InlineData("2026-10-01")] // Thursday, National Day
    [InlineData("2026-10-07")] // Wednesday, last day of the National Day break
    public void IsWorkingDay_HolidayOnWeekday_False(string day)
    {
        Assert.False(China2026.IsWorkingDay(D(day)));
        // Without the holiday list the same day would be an ordinary working day.
        Assert.True(WorkingDayCalendar.WeekdaysOnly.IsWorkingDay(D(day)));
    }

    [Theory]
    [InlineData("2026-02-15")] // Sunday inside the Spring Festival break
    [InlineData("2026-05-02")] // Saturday inside the Labour Day break
    [InlineData("2026-10-03")] // Saturday inside the National Day break
    [InlineData("2026-10-04")] // Sunday inside the National Day break
    public void IsWorkingDay_HolidayOnWeekend_False(string day) =>
        Assert.False(China2026.IsWorkingDay(D(day)));

    [Theory]
    [InlineData("2026-01-04")] // Sunday
    [InlineData("2026-02-14")] // Saturday
    [InlineData("2026-02-28")] // Saturday
    [InlineData("2026-05-09")] // Saturday
    [InlineData("2026-09-20")] // Sunday
    [InlineData("2026-10-10")] // Saturday
    public void IsWorkingDay_MakeUpWeekendDay_True(string day)
    {
        Assert.True(China2026.IsWorkingDay(D(day)));
        Assert.False(WorkingDayCalendar.WeekdaysOnly.IsWorkingDay(D(day)));
    }

    [Theory]
    [InlineData("2026-10-08")] // Thursday after National Day
    [InlineData("2026-10-09")] // Friday after National Day
    [InlineData("2026-02-24")] // Tuesday after Spring Festival
    [InlineData("2026-05-06")] // Wednesday after Labour Day
    public void IsWorkingDay_WeekdayRightAfterBreak_True(string day) =>
        Assert.True(China2026.IsWorkingDay(D(day)));

    [Theory]
    [InlineData("2026-10-11")] // Sunday after the make-up Saturday Oct 10
    [InlineData("2026-09-19")] // Saturday before the make-up Sunday Sep 20
    [InlineData("2026-02-01")] // Sunday two weeks before the make-up Saturday Feb 14
    public void IsWorkingDay_WeekendDayNextToMakeUpDay_False(string day) =>
        Assert.False(China2026.IsWorkingDay(D(day)));

    [Fact]
    public void IsWorkingDay_DayListedAsHolidayAndMakeUpDay_HolidayWins()
    {
        var saturday = D("2026-03-14");
        var calendar = new WorkingDayCalendar([saturday], [saturday]);

        Assert.False(calendar.IsWorkingDay(saturday));
    }

    [Fact]
    public void IsWorkingDay_EmptyLists_SameAsWeekdaysOnly()
    {
        var calendar = new WorkingDayCalendar([], []);
        var day = D("2026-09-28");

        for (var i = 0; i < 14; i++, day = day.AddDays(1))
            Assert.Equal(WorkingDayCalendar.WeekdaysOnly.IsWorkingDay(day), calendar.IsWorkingDay(day));
    }

    // ---- AddWorkingDays: plain weeks ----

    [Theory]
    [InlineData("2026-03-09", 1, "2026-03-10")] // Mon + 1 = Tue
    [InlineData("2026-03-09", 3, "2026-03-12")] // Mon + 3 = Thu
    [InlineData("2026-03-09", 4, "2026-03-13")] // Mon + 4 = Fri
    [InlineData("2026-03-09", 5, "2026-03-16")] // Mon + 5 = next Mon
    [InlineData("2026-03-11", 3, "2026-03-16")] // Wed + 3 = Thu, Fri, (weekend), Mon
    [InlineData("2026-03-12", 3, "2026-03-17")] // Thu + 3 = Fri, Mon, Tue
    [InlineData("2026-03-13", 1, "2026-03-16")] // Fri + 1 = Mon
    [InlineData("2026-03-09", 10, "2026-03-23")] // two whole weeks
    public void AddWorkingDays_PlainWeek_SkipsWeekends(string start, int days, string expected)
    {
        Assert.Equal(D(expected), WorkingDayCalendar.WeekdaysOnly.AddWorkingDays(D(start), days));
        Assert.Equal(D(expected), China2026.AddWorkingDays(D(start), days));
    }

    [Theory]
    [InlineData("2026-03-14", 1, "2026-03-16")] // Sat + 1 = Mon
    [InlineData("2026-03-15", 1, "2026-03-16")] // Sun + 1 = Mon
    [InlineData("2026-03-14", 3, "2026-03-18")] // Sat + 3 = Mon, Tue, Wed
    public void AddWorkingDays_SubmittedOnWeekend_CountsFromNextWorkingDay(string start, int days, string expected) =>
        Assert.Equal(D(expected), WorkingDayCalendar.WeekdaysOnly.AddWorkingDays(D(start), days));

    // ---- AddWorkingDays: the China 2026 holiday weeks ----

    [Fact]
    public void AddWorkingDays_WednesdayBeforeNationalDayWithThreeDaySla_DueOnMakeUpSaturday()
    {
        // Submitted Wed 2026-09-30; Thu Oct 1 – Wed Oct 7 are holidays, so counting starts after them:
        //   Thu Oct 8  working day 1
        //   Fri Oct 9  working day 2
        //   Sat Oct 10 working day 3 — a make-up working day (调休) for the National Day break
        // The review is therefore due on Saturday Oct 10, not Friday Oct 9: staff work that Saturday.
        var due = China2026.AddWorkingDays(D("2026-09-30"), 3);

        Assert.Equal(D("2026-10-10"), due);
        Assert.Equal(DayOfWeek.Saturday, due.DayOfWeek);
    }

    [Theory]
    [InlineData(1, "2026-10-08")] // Thu, first day back
    [InlineData(2, "2026-10-09")] // Fri
    [InlineData(3, "2026-10-10")] // Sat, make-up working day
    [InlineData(4, "2026-10-12")] // Mon (Sun Oct 11 is an ordinary weekend day)
    [InlineData(5, "2026-10-13")] // Tue
    public void AddWorkingDays_AcrossNationalDay_SkipsTheWholeBreak(int days, string expected) =>
        Assert.Equal(D(expected), China2026.AddWorkingDays(D("2026-09-30"), days));

    [Fact]
    public void AddWorkingDays_SameRequestWithoutHolidayCalendar_DueThreeWeekdaysLater()
    {
        // Contrast: with weekdays only, Wed Sep 30 + 3 = Thu Oct 1, Fri Oct 2, Mon Oct 5.
        Assert.Equal(D("2026-10-05"), WorkingDayCalendar.WeekdaysOnly.AddWorkingDays(D("2026-09-30"), 3));
    }

    [Theory]
    [InlineData("2026-10-01", 1, "2026-10-08")] // Thu, first holiday
    [InlineData("2026-10-03", 3, "2026-10-10")] // Sat inside the break: Oct 8, 9, 10
    [InlineData("2026-10-07", 1, "2026-10-08")] // Wed, last holiday
    [InlineData("2026-02-16", 2, "2026-02-25")] // Mon in Spring Festival: Tue Feb 24, Wed Feb 25
    [InlineData("2026-05-01", 3, "2026-05-08")] // Fri, Labour Day: Wed May 6, Thu 7, Fri 8
    public void AddWorkingDays_SubmittedOnHoliday_CountsFromFirstDayBack(string start, int days, string expected) =>
        Assert.Equal(D(expected), China2026.AddWorkingDays(D(start), days));

    [Theory]
    [InlineData("2026-10-10", 1, "2026-10-12")] // Sat (make-up) + 1: Sun Oct 11 is off, Mon Oct 12
    [InlineData("2026-10-10", 3, "2026-10-14")] // Mon 12, Tue 13, Wed 14
    [InlineData("2026-09-20", 3, "2026-09-23")] // Sun (make-up) + 3: Mon 21, Tue 22, Wed 23
    [InlineData("2026-02-14", 1, "2026-02-24")] // Sat (make-up) + 1: the whole Spring Festival break is skipped
    [InlineData("2026-02-28", 1, "2026-03-02")] // Sat (make-up) + 1: Sun Mar 1 off, Mon Mar 2
    public void AddWorkingDays_SubmittedOnMakeUpWeekendDay_CountsFollowingDays(string start, int days, string expected) =>
        Assert.Equal(D(expected), China2026.AddWorkingDays(D(start), days));

    [Theory]
    [InlineData("2026-09-18", 1, "2026-09-20")] // Fri + 1: Sat Sep 19 off, Sun Sep 20 make-up day
    [InlineData("2026-02-13", 1, "2026-02-14")] // Fri + 1: Sat Feb 14 make-up day
    [InlineData("2026-02-13", 3, "2026-02-25")] // Fri + 3: Sat Feb 14, Tue Feb 24, Wed Feb 25
    [InlineData("2026-02-27", 1, "2026-02-28")] // Fri + 1: Sat Feb 28 make-up day
    [InlineData("2026-04-30", 3, "2026-05-08")] // Thu + 3: May 1–5 off, Wed 6, Thu 7, Fri 8
    [InlineData("2026-04-30", 4, "2026-05-09")] // Thu + 4: Sat May 9 make-up day
    [InlineData("2026-09-24", 3, "2026-09-30")] // Thu + 3: Mid-Autumn Sep 25–27 off, Mon 28, Tue 29, Wed 30
    [InlineData("2026-12-31", 1, "2027-01-01")] // the shipped 2026 list says nothing about 2027: weekdays only
    public void AddWorkingDays_BeforeHolidayOrMakeUpDay_LandsOnCalendarWorkingDay(string start, int days, string expected)
    {
        var due = China2026.AddWorkingDays(D(start), days);

        Assert.Equal(D(expected), due);
        Assert.True(China2026.IsWorkingDay(due));
    }

    [Fact]
    public void AddWorkingDays_AnyStartInYear_ResultIsAlwaysWorkingDayAndCountsExactly()
    {
        // Cross-check against a direct count for every start day of 2026 and SLAs of 1 to 10 days.
        for (var start = D("2026-01-01"); start.Year == 2026; start = start.AddDays(1))
        {
            for (var days = 1; days <= 10; days++)
            {
                var due = China2026.AddWorkingDays(start, days);

                Assert.True(China2026.IsWorkingDay(due), $"{start} + {days} landed on {due}");
                var counted = 0;
                for (var d = start.AddDays(1); d <= due; d = d.AddDays(1))
                {
                    if (China2026.IsWorkingDay(d))
                        counted++;
                }
                Assert.Equal(days, counted);
            }
        }
    }

    // ---- AddWorkingDays: edge values ----

    [Theory]
    [InlineData("2026-03-11")] // working day
    [InlineData("2026-03-14")] // weekend
    [InlineData("2026-10-01")] // holiday
    public void AddWorkingDays_Zero_ReturnsStartUnchanged(string start) =>
        Assert.Equal(D(start), China2026.AddWorkingDays(D(start), 0));

    [Theory]
    [InlineData(-1)]
    [InlineData(-30)]
    [InlineData(int.MinValue)]
    public void AddWorkingDays_Negative_ThrowsArgumentOutOfRange(int days)
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => China2026.AddWorkingDays(D("2026-03-11"), days));

        Assert.Equal("workingDays", error.ParamName);
    }
}
