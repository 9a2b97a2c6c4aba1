namespace LastCall.Domain.Billing;

/// <summary>Billing cycles are calendar months: a line is billed for the month in which it ends.</summary>
public static class BillingCycle
{
    /// <summary>The last day of the billing cycle (calendar month) that contains <paramref name="day"/>.</summary>
    public static DateOnly EndOf(DateOnly day) => new DateOnly(day.Year, day.Month, 1).AddMonths(1).AddDays(-1);
}
