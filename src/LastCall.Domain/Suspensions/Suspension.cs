using LastCall.Domain.Common;

namespace LastCall.Domain.Suspensions;

/// <summary>
/// Suspension with number retention (停机保号): the line stops service but keeps its number for a
/// monthly fee, at most until <see cref="LatestEndOn"/>. Ended by the customer or staff (resume); one
/// still running after its latest end is flagged for the cancellation path.
/// </summary>
public sealed class Suspension : AggregateRoot
{
    private Suspension()
    {
        Currency = null!;
        StartedBy = null!;
    }

    public Guid Id { get; private set; }

    public Guid LineId { get; private set; }

    public DateTimeOffset StartedAt { get; private set; }

    public DateOnly StartedOn { get; private set; }

    public DateOnly LatestEndOn { get; private set; }

    public decimal MonthlyFee { get; private set; }

    public string Currency { get; private set; }

    public string StartedBy { get; private set; }

    public DateTimeOffset? EndedAt { get; private set; }

    public string? EndedBy { get; private set; }

    /// <summary>Set when the suspension outlived its maximum and the line was put forward for cancellation.</summary>
    public DateTimeOffset? ExpiredAt { get; private set; }

    /// <summary>
    /// When the customer was told the suspension had expired; empty until the notice went out. The message itself is the
    /// record (the gateway's, or the development outbox's row), as the expiry is the audit log's.
    /// </summary>
    [Bookkeeping]
    public DateTimeOffset? ExpiryNoticeSentAt { get; private set; }

    /// <summary>When an instance last took the expiry notice to send it; others leave it alone until a retry is due.</summary>
    [Bookkeeping]
    public DateTimeOffset? ExpiryNoticeTakenAt { get; private set; }

    public bool IsRunning => EndedAt is null;

    public static Result<Suspension> Start(Guid lineId, DateOnly today, int maxMonths, decimal monthlyFee, string currency, string by, DateTimeOffset now)
    {
        if (maxMonths < 1)
            return Result<Suspension>.Failure("invalid_policy", "The maximum suspension must be at least one month.");
        if (monthlyFee < 0)
            return Result<Suspension>.Failure("invalid_policy", "The suspension fee cannot be negative.");
        return new Suspension
        {
            Id = Guid.CreateVersion7(now),
            LineId = lineId,
            StartedAt = now,
            StartedOn = today,
            LatestEndOn = today.AddMonths(maxMonths),
            MonthlyFee = monthlyFee,
            Currency = currency,
            StartedBy = by,
        };
    }

    public Result End(string by, DateTimeOffset now)
    {
        if (!IsRunning)
            return Fail.Conflict("not_suspended", "The suspension has already ended.");
        EndedAt = now;
        EndedBy = by;
        return Result.Success;
    }

    /// <summary>
    /// Marks a running suspension past its latest end, and takes its expiry notice to send; false when it is not due yet
    /// or already marked.
    /// </summary>
    public bool MarkExpired(DateOnly today, DateTimeOffset now)
    {
        if (!IsRunning || ExpiredAt is not null || today <= LatestEndOn)
            return false;
        ExpiredAt = now;
        ExpiryNoticeTakenAt = now;
        return true;
    }

    /// <summary>
    /// Takes the expiry notice to send it again: the suspension still runs, expired, its notice not sent, and whoever took
    /// it last did so at or before <paramref name="takenNoLaterThan"/> (a send that failed, or an instance that stopped).
    /// </summary>
    public bool TakeExpiryNoticeAgain(DateTimeOffset takenNoLaterThan, DateTimeOffset now)
    {
        if (!IsRunning || ExpiredAt is null || ExpiryNoticeSentAt is not null || ExpiryNoticeTakenAt is not { } taken || taken > takenNoLaterThan)
            return false;
        ExpiryNoticeTakenAt = now;
        return true;
    }

    public void RecordExpiryNoticeSent(DateTimeOffset now) => ExpiryNoticeSentAt = now;
}
