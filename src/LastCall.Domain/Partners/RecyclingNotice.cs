using LastCall.Domain.Common;

namespace LastCall.Domain.Partners;

/// <summary>
/// A partner is told that a quarantined number will be given out again (API.md "Recycling notices"): partners that
/// watched the number or were asked to unbind it get one notice per quarantine, before it ends, and acknowledge it. The
/// number is held back while a notice is unacknowledged and not yet overdue (<see cref="AcknowledgeBy"/>), so the apps
/// have their working days to drop the previous holder's accounts before the next holder's first SMS code arrives.
/// </summary>
public sealed class RecyclingNotice : AggregateRoot
{
    private RecyclingNotice() => Msisdn = null!;

    public Guid Id { get; private set; }

    public Guid PartnerId { get; private set; }

    public Msisdn Msisdn { get; private set; }

    /// <summary>The previous holder's disconnection day (the register's newest entry for the number).</summary>
    public DateOnly DisconnectedOn { get; private set; }

    /// <summary>The first day the number may be given out: the end of its quarantine.</summary>
    public DateOnly AvailableFrom { get; private set; }

    public DateTimeOffset SentAt { get; private set; }

    /// <summary>The end of the acknowledgement window (working days after <see cref="SentAt"/>); after it the number is no longer held back and the notice is overdue.</summary>
    public DateTimeOffset AcknowledgeBy { get; private set; }

    public DateTimeOffset? AcknowledgedAt { get; private set; }

    public static RecyclingNotice Create(Guid partnerId, Msisdn msisdn, DateOnly disconnectedOn, DateOnly availableFrom, DateTimeOffset now, DateTimeOffset acknowledgeBy) =>
        new()
        {
            Id = Guid.CreateVersion7(now), PartnerId = partnerId, Msisdn = msisdn, DisconnectedOn = disconnectedOn,
            AvailableFrom = availableFrom, SentAt = Microseconds(now), AcknowledgeBy = Microseconds(acknowledgeBy),
        };

    /// <summary>Overdue: not acknowledged and its window has passed.</summary>
    public bool IsOverdue(DateTimeOffset now) => AcknowledgedAt is null && now >= AcknowledgeBy;

    /// <summary>Records the acknowledgement; a second acknowledgement changes nothing and says so.</summary>
    public Result Acknowledge(DateTimeOffset now)
    {
        if (AcknowledgedAt is not null)
            return Fail.Conflict("already_acknowledged", "The recycling notice was already acknowledged.");
        AcknowledgedAt = Microseconds(now);
        return Result.Success;
    }

    /// <summary>Whole microseconds, as PostgreSQL stores them: the answer given at once is the one read back later.</summary>
    private static DateTimeOffset Microseconds(DateTimeOffset at) => at.AddTicks(-(at.Ticks % 10));
}
