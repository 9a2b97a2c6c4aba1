using LastCall.Domain.Common;

namespace LastCall.Domain.Partners;

/// <summary>Why a partner is asked to unbind a number.</summary>
public enum UnbindingReason
{
    /// <summary>The owner cancelled the line (<see cref="UnbindingRequest.CancellationId"/>).</summary>
    Cancellation,

    /// <summary>The number's new holder asks partners to drop the previous holder's accounts (<see cref="UnbindingRequest.PreviousHolderUnbindingId"/>).</summary>
    NewHolder,
}

/// <summary>
/// A partner is asked to unbind a number: when a number it holds a binding on is cancelled (written in the same
/// transaction as the disconnection), or when the number's new holder asks partners to drop the previous holder's
/// accounts. The partner acknowledges it once it has unbound the number, and the customer sees who has and who has not.
/// </summary>
public sealed class UnbindingRequest : AggregateRoot
{
    private UnbindingRequest() => Msisdn = null!;

    public Guid Id { get; private set; }

    public Guid PartnerId { get; private set; }

    public Msisdn Msisdn { get; private set; }

    public UnbindingReason Reason { get; private set; }

    /// <summary>The cancellation that asked (reason <see cref="UnbindingReason.Cancellation"/>).</summary>
    public Guid? CancellationId { get; private set; }

    /// <summary>The new holder's request that asked (reason <see cref="UnbindingReason.NewHolder"/>).</summary>
    public Guid? PreviousHolderUnbindingId { get; private set; }

    /// <summary>For a new holder's request: accounts bound before this day are the previous holder's.</summary>
    public DateOnly? BoundBefore { get; private set; }

    public DateTimeOffset RequestedAt { get; private set; }

    public DateTimeOffset? AcknowledgedAt { get; private set; }

    public static UnbindingRequest Create(Guid partnerId, Msisdn msisdn, Guid cancellationId, DateTimeOffset now) =>
        new() { Id = Guid.CreateVersion7(now), PartnerId = partnerId, Msisdn = msisdn, Reason = UnbindingReason.Cancellation, CancellationId = cancellationId, RequestedAt = now };

    public static UnbindingRequest ForNewHolder(Guid partnerId, PreviousHolderUnbinding asked, DateTimeOffset now) =>
        new()
        {
            Id = Guid.CreateVersion7(now), PartnerId = partnerId, Msisdn = asked.Msisdn, Reason = UnbindingReason.NewHolder,
            PreviousHolderUnbindingId = asked.Id, BoundBefore = asked.BoundBefore, RequestedAt = now,
        };

    /// <summary>Records the acknowledgement; a second acknowledgement changes nothing and says so.</summary>
    public Result Acknowledge(DateTimeOffset now)
    {
        if (AcknowledgedAt is not null)
            return Fail.Conflict("already_acknowledged", "The unbinding request was already acknowledged.");
        AcknowledgedAt = now;
        return Result.Success;
    }
}
