using LastCall.Domain.Calendar;
using LastCall.Domain.Cancellations;

namespace LastCall.Hosting;

/// <summary>
/// The business policies an operator sets in configuration (section <c>Policies</c>, bound and checked as
/// <see cref="PolicyOptions"/>), never in code:
/// suspension fee and length, review SLA, default effective date, early contract exit, the
/// working-day calendar and the operator's time zone (which decides what "today" is).
/// </summary>
public sealed record PolicySettings
{
    public required decimal SuspensionMonthlyFee { get; init; }

    public required int SuspensionMaxMonths { get; init; }

    public required int ReviewSlaWorkingDays { get; init; }

    public required EffectivePolicy DefaultEffective { get; init; }

    public required bool AllowEarlyContractExit { get; init; }

    public required decimal EarlyExitFeePerMonth { get; init; }

    public required string PaymentUrl { get; init; }

    /// <summary>Where customers follow and withdraw their requests (links in notices).</summary>
    public required string PortalUrl { get; init; }

    /// <summary>The operator's billing currency (<c>Billing:Currency</c>, read once, by <see cref="LastCallSettings"/>).</summary>
    public required string Currency { get; init; }

    /// <summary>
    /// How long an approved remote (online or call-centre) cancellation waits after the customer was told, so that
    /// the real owner can still stop one they never asked for (<c>Policies:CoolingOffHours</c>, default 24). A store
    /// cancellation with the ID card checked at the counter runs at once: the customer is standing there.
    /// </summary>
    public required TimeSpan CoolingOff { get; init; }

    public required TimeZoneInfo TimeZone { get; init; }

    public required WorkingDayCalendar Calendar { get; init; }

    /// <summary>Which years the calendar covers and whether each is official or provisional.</summary>
    public required IReadOnlyDictionary<string, string> CalendarYears { get; init; }

    public EligibilityPolicy Eligibility => new(AllowEarlyContractExit, EarlyExitFeePerMonth);

    /// <summary>The operator's day at <paramref name="now"/> (<see cref="OperatorTime"/>).</summary>
    public DateOnly Today(DateTimeOffset now) => TimeZone.DayAt(now);

    /// <summary>The instant the operator's <paramref name="day"/> begins.</summary>
    public DateTimeOffset StartOfDay(DateOnly day) => TimeZone.StartOfDay(day);

    /// <summary>The policies resolved from their checked options; <paramref name="currency"/> is <c>Billing:Currency</c>.</summary>
    public static PolicySettings From(PolicyOptions options, string currency)
    {
        var (calendar, document) = HolidayCalendarFile.Load(options.HolidayCalendarFile);
        return new PolicySettings
        {
            SuspensionMonthlyFee = options.SuspensionMonthlyFee,
            SuspensionMaxMonths = options.SuspensionMaxMonths,
            ReviewSlaWorkingDays = options.ReviewSlaWorkingDays,
            DefaultEffective = options.Effective ?? throw new InvalidOperationException($"Policies:DefaultEffective '{options.DefaultEffective}' is not checked."),
            AllowEarlyContractExit = options.AllowEarlyContractExit,
            EarlyExitFeePerMonth = options.EarlyExitFeePerMonth,
            PaymentUrl = options.PaymentUrl,
            PortalUrl = options.PortalUrl,
            Currency = currency,
            CoolingOff = TimeSpan.FromHours(options.CoolingOffHours),
            TimeZone = FindTimeZone(options.TimeZone) ?? throw new InvalidOperationException($"Policies:TimeZone '{options.TimeZone}' is not checked."),
            Calendar = calendar,
            CalendarYears = document.Years.ToDictionary(y => y.Key, y => y.Value.Status ?? "official"),
        };
    }

    /// <summary>The time zone with this IANA id, or null when the machine has no such zone.</summary>
    public static TimeZoneInfo? FindTimeZone(string id)
    {
        try
        {
            return TimeZoneInfo.FindSystemTimeZoneById(id);
        }
        catch (TimeZoneNotFoundException) when (id == "Asia/Shanghai")
        {
            // Minimal containers may lack tzdata; China has had no daylight saving since 1991.
            return TimeZoneInfo.CreateCustomTimeZone(id, TimeSpan.FromHours(8), "China Standard Time", "China Standard Time");
        }
        catch (Exception e) when (e is TimeZoneNotFoundException or InvalidTimeZoneException or ArgumentException)
        {
            return null;
        }
    }
}
