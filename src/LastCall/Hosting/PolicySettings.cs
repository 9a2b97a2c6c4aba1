using LastCall.Domain.Calendar;
using LastCall.Domain.Cancellations;

namespace LastCall.Hosting;

/// <summary>
/// The business policies an operator sets in configuration (section <c>Policies</c>), never in code:
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

    public static PolicySettings From(IConfiguration configuration, string currency)
    {
        var section = configuration.GetSection("Policies");
        var effectiveText = section["DefaultEffective"] ?? "immediate";
        var effective = effectiveText.Replace("_", "", StringComparison.Ordinal) switch
        {
            var t when t.Equals("immediate", StringComparison.OrdinalIgnoreCase) => EffectivePolicy.Immediate,
            var t when t.Equals("endofbillingcycle", StringComparison.OrdinalIgnoreCase) => EffectivePolicy.EndOfBillingCycle,
            _ => throw new InvalidOperationException($"Policies:DefaultEffective must be immediate or end_of_billing_cycle, not '{effectiveText}'."),
        };
        var settings = new
        {
            Fee = section.GetValue("SuspensionMonthlyFee", 5.00m),
            MaxMonths = section.GetValue("SuspensionMaxMonths", 12),
            Sla = section.GetValue("ReviewSlaWorkingDays", 3),
            EarlyExitFee = section.GetValue("EarlyExitFeePerMonth", 30.00m),
            CoolingOffHours = section.GetValue("CoolingOffHours", 24.0),
        };
        if (settings.Fee < 0 || settings.EarlyExitFee < 0)
            throw new InvalidOperationException("Policies: fees cannot be negative.");
        if (settings.MaxMonths is < 1 or > 60)
            throw new InvalidOperationException("Policies:SuspensionMaxMonths must be 1 to 60.");
        if (settings.Sla is < 1 or > 60)
            throw new InvalidOperationException("Policies:ReviewSlaWorkingDays must be 1 to 60.");
        var (calendar, document) = HolidayCalendarFile.Load(section["HolidayCalendarFile"]);
        return new PolicySettings
        {
            SuspensionMonthlyFee = settings.Fee,
            CoolingOff = settings.CoolingOffHours is >= 0 and <= 24 * 14
                ? TimeSpan.FromHours(settings.CoolingOffHours)
                : throw new InvalidOperationException("Policies:CoolingOffHours must be 0 to 336."),
            SuspensionMaxMonths = settings.MaxMonths,
            ReviewSlaWorkingDays = settings.Sla,
            DefaultEffective = effective,
            AllowEarlyContractExit = section.GetValue("AllowEarlyContractExit", true),
            EarlyExitFeePerMonth = settings.EarlyExitFee,
            PaymentUrl = section["PaymentUrl"] ?? "https://pay.example.com/",
            PortalUrl = section["PortalUrl"] ?? "http://localhost:5080",
            Currency = currency,
            TimeZone = FindTimeZone(section["TimeZone"] ?? "Asia/Shanghai"),
            Calendar = calendar,
            CalendarYears = document.Years.ToDictionary(y => y.Key, y => y.Value.Status ?? "official"),
        };
    }

    private static TimeZoneInfo FindTimeZone(string id)
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
    }
}
