using LastCall.Domain.Common;

namespace LastCall.Domain.Numbers;

/// <summary>Where a register entry came from.</summary>
public enum DisconnectionSource
{
    /// <summary>A cancellation LastCall executed.</summary>
    Cancellation,

    /// <summary>Loaded from the operator's earlier systems; not filed in regulator reports (they were, by those systems).</summary>
    Import,

    /// <summary>Loaded from earlier systems with <c>import disconnections --report</c>: filed in regulator reports like LastCall's own.</summary>
    ReportableImport,
}

/// <summary>
/// One entry of the disconnection register: number N was permanently disconnected on date D.
/// Append-only and kept forever; the reassigned-numbers lookup answers from it. The sequence number
/// (Id) gives readers a total order to follow new entries by.
/// </summary>
public sealed class Disconnection
{
    private Disconnection() => Msisdn = null!;

    /// <summary>
    /// Handed out in insert order. On PostgreSQL concurrent writers commit in any order, so the register index follows
    /// the writing transaction instead (a column outside the model, see the migration RegisterFollowsCommitOrder).
    /// </summary>
    public long Id { get; private set; }

    public Msisdn Msisdn { get; private set; }

    public DateOnly DisconnectedOn { get; private set; }

    public DisconnectionSource Source { get; private set; }

    public DateTimeOffset RecordedAt { get; private set; }

    /// <summary>The cancellation that disconnected the number (null for imported entries); regulator reports cite it.</summary>
    public Guid? CancellationId { get; private set; }

    public static Result<Disconnection> Record(Msisdn msisdn, DateOnly disconnectedOn, DisconnectionSource source, DateTimeOffset now, Guid? cancellationId = null)
    {
        // Dates are the operator's calendar days; one day of slack lets operators east of UTC
        // (China is UTC+8) record "today" in the early hours, while anything later is refused.
        if (disconnectedOn > DateOnly.FromDateTime(now.UtcDateTime).AddDays(1))
            return Result<Disconnection>.Failure("invalid_date", "A disconnection cannot be dated in the future.");
        return new Disconnection { Msisdn = msisdn, DisconnectedOn = disconnectedOn, Source = source, RecordedAt = now, CancellationId = cancellationId };
    }
}
