using LastCall.Domain.Suspensions;

namespace LastCall.Domain.Tests.Suspensions;

public class SuspensionTests
{
    private static readonly Guid LineId = new("0193a1b2-0000-7000-8000-00000000e001");
    private static readonly DateTimeOffset Now = new(2026, 3, 10, 2, 0, 0, TimeSpan.Zero);
    private static readonly DateOnly Today = new(2026, 3, 10);
    private const string Customer = "customer:0193a1b2-0000-7000-8000-00000000e002";
    private const string Agent = "staff:agent-3";

    private static Suspension Start(DateOnly? today = null, int maxMonths = 12) =>
        Suspension.Start(LineId, today ?? Today, maxMonths, 5.00m, "CNY", Customer, Now).Value;

    // ---- Start ----

    [Fact]
    public void Start_ValidPolicy_RunningWithLatestEnd()
    {
        var result = Suspension.Start(LineId, Today, 12, 5.00m, "CNY", Customer, Now);

        Assert.True(result.IsSuccess);
        var suspension = result.Value;
        Assert.Equal(7, suspension.Id.Version);
        Assert.Equal(LineId, suspension.LineId);
        Assert.Equal(Now, suspension.StartedAt);
        Assert.Equal(Today, suspension.StartedOn);
        Assert.Equal(new DateOnly(2027, 3, 10), suspension.LatestEndOn);
        Assert.Equal(5.00m, suspension.MonthlyFee);
        Assert.Equal("CNY", suspension.Currency);
        Assert.Equal(Customer, suspension.StartedBy);
        Assert.True(suspension.IsRunning);
        Assert.Null(suspension.EndedAt);
        Assert.Null(suspension.EndedBy);
        Assert.Null(suspension.ExpiredAt);
    }

    [Theory]
    [InlineData("2026-03-10", 1, "2026-04-10")]
    [InlineData("2026-03-10", 3, "2026-06-10")]
    [InlineData("2026-03-10", 60, "2031-03-10")]
    [InlineData("2026-01-31", 1, "2026-02-28")] // no Feb 31: the month's last day
    [InlineData("2027-01-31", 13, "2028-02-29")] // leap year
    [InlineData("2026-11-15", 2, "2027-01-15")] // across the year end
    public void Start_MaxMonths_LatestEndIsStartPlusMaxMonths(string start, int maxMonths, string expected)
    {
        var culture = System.Globalization.CultureInfo.InvariantCulture;

        var suspension = Start(DateOnly.Parse(start, culture), maxMonths);

        Assert.Equal(DateOnly.Parse(expected, culture), suspension.LatestEndOn);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    public void Start_MaxMonthsBelowOne_FailsWithInvalidPolicy(int maxMonths)
    {
        var result = Suspension.Start(LineId, Today, maxMonths, 5.00m, "CNY", Customer, Now);

        Assert.False(result.IsSuccess);
        Assert.Equal("invalid_policy", result.Error!.Code);
    }

    [Fact]
    public void Start_NegativeFee_FailsWithInvalidPolicy()
    {
        var result = Suspension.Start(LineId, Today, 12, -0.01m, "CNY", Customer, Now);

        Assert.False(result.IsSuccess);
        Assert.Equal("invalid_policy", result.Error!.Code);
    }

    [Fact]
    public void Start_FreeSuspension_Succeeds()
    {
        var result = Suspension.Start(LineId, Today, 3, 0m, "CNY", Agent, Now);

        Assert.True(result.IsSuccess);
        Assert.Equal(0m, result.Value.MonthlyFee);
        Assert.Equal(Agent, result.Value.StartedBy);
    }

    // ---- End ----

    [Fact]
    public void End_Running_EndsWithWhoAndWhen()
    {
        var suspension = Start();
        var at = Now.AddDays(20);

        var result = suspension.End(Agent, at);

        Assert.True(result.IsSuccess);
        Assert.False(suspension.IsRunning);
        Assert.Equal(at, suspension.EndedAt);
        Assert.Equal(Agent, suspension.EndedBy);
    }

    [Fact]
    public void End_Twice_SecondFailsWithNotSuspendedAndKeepsFirstEnd()
    {
        var suspension = Start();
        Assert.True(suspension.End(Customer, Now.AddDays(1)).IsSuccess);

        var second = suspension.End(Agent, Now.AddDays(2));

        Assert.False(second.IsSuccess);
        Assert.Equal("not_suspended", second.Error!.Code);
        Assert.Equal(Now.AddDays(1), suspension.EndedAt);
        Assert.Equal(Customer, suspension.EndedBy);
    }

    [Fact]
    public void End_AfterMarkedExpired_StillEnds()
    {
        var suspension = Start(maxMonths: 1);
        Assert.True(suspension.MarkExpired(new DateOnly(2026, 4, 11), Now.AddDays(32)));

        Assert.True(suspension.End("system", Now.AddDays(33)).IsSuccess);

        Assert.False(suspension.IsRunning);
        Assert.Equal(Now.AddDays(32), suspension.ExpiredAt);
    }

    // ---- MarkExpired ----

    [Theory]
    [InlineData("2026-03-10")] // the day it started
    [InlineData("2026-04-09")]
    [InlineData("2026-04-10")] // the latest end itself: still allowed
    public void MarkExpired_OnOrBeforeLatestEnd_FalseAndUnchanged(string today)
    {
        var suspension = Start(maxMonths: 1);

        var marked = suspension.MarkExpired(DateOnly.Parse(today, System.Globalization.CultureInfo.InvariantCulture), Now.AddDays(31));

        Assert.False(marked);
        Assert.Null(suspension.ExpiredAt);
        Assert.True(suspension.IsRunning);
    }

    [Theory]
    [InlineData("2026-04-11")] // the day after the latest end
    [InlineData("2027-01-01")]
    public void MarkExpired_AfterLatestEnd_TrueAndStamped(string today)
    {
        var suspension = Start(maxMonths: 1);
        var at = Now.AddDays(40);

        var marked = suspension.MarkExpired(DateOnly.Parse(today, System.Globalization.CultureInfo.InvariantCulture), at);

        Assert.True(marked);
        Assert.Equal(at, suspension.ExpiredAt);
        Assert.True(suspension.IsRunning);
        // Its notice is taken to be sent, and not sent yet.
        Assert.Equal(at, suspension.ExpiryNoticeTakenAt);
        Assert.Null(suspension.ExpiryNoticeSentAt);
    }

    [Fact]
    public void MarkExpired_Twice_SecondFalseKeepsFirstStamp()
    {
        var suspension = Start(maxMonths: 1);
        var first = Now.AddDays(32);
        Assert.True(suspension.MarkExpired(new DateOnly(2026, 4, 11), first));

        var again = suspension.MarkExpired(new DateOnly(2026, 4, 12), Now.AddDays(33));

        Assert.False(again);
        Assert.Equal(first, suspension.ExpiredAt);
    }

    [Fact]
    public void MarkExpired_EndedSuspension_False()
    {
        var suspension = Start(maxMonths: 1);
        Assert.True(suspension.End(Customer, Now.AddDays(5)).IsSuccess);

        Assert.False(suspension.MarkExpired(new DateOnly(2026, 5, 1), Now.AddDays(52)));
        Assert.Null(suspension.ExpiredAt);
    }

    // ---- TakeExpiryNoticeAgain ----

    private static readonly DateTimeOffset ExpiredAt = Now.AddDays(32);

    private static Suspension Expired()
    {
        var suspension = Start(maxMonths: 1);
        Assert.True(suspension.MarkExpired(new DateOnly(2026, 4, 11), ExpiredAt));
        return suspension;
    }

    [Fact]
    public void TakeExpiryNoticeAgain_TakenLongEnoughAgoAndNotSent_TakesItNow()
    {
        var suspension = Expired();
        var now = ExpiredAt.AddMinutes(11);

        Assert.True(suspension.TakeExpiryNoticeAgain(takenNoLaterThan: ExpiredAt, now));

        Assert.Equal(now, suspension.ExpiryNoticeTakenAt);
    }

    [Fact]
    public void TakeExpiryNoticeAgain_TakenMoreRecently_FalseAndUnchanged()
    {
        var suspension = Expired();

        Assert.False(suspension.TakeExpiryNoticeAgain(takenNoLaterThan: ExpiredAt.AddSeconds(-1), ExpiredAt.AddMinutes(9)));

        Assert.Equal(ExpiredAt, suspension.ExpiryNoticeTakenAt);
    }

    [Fact]
    public void TakeExpiryNoticeAgain_AlreadySent_False()
    {
        var suspension = Expired();
        suspension.RecordExpiryNoticeSent(ExpiredAt.AddSeconds(2));

        Assert.False(suspension.TakeExpiryNoticeAgain(ExpiredAt.AddHours(1), ExpiredAt.AddHours(2)));

        Assert.Equal(ExpiredAt.AddSeconds(2), suspension.ExpiryNoticeSentAt);
    }

    [Fact]
    public void TakeExpiryNoticeAgain_EndedMeanwhile_False()
    {
        var suspension = Expired();
        Assert.True(suspension.End(Customer, ExpiredAt.AddMinutes(1)).IsSuccess);

        Assert.False(suspension.TakeExpiryNoticeAgain(ExpiredAt.AddHours(1), ExpiredAt.AddHours(2)));
    }

    [Fact]
    public void TakeExpiryNoticeAgain_NotExpired_False()
    {
        var suspension = Start(maxMonths: 1);

        Assert.False(suspension.TakeExpiryNoticeAgain(Now.AddDays(60), Now.AddDays(61)));

        Assert.Null(suspension.ExpiryNoticeTakenAt);
    }
}
