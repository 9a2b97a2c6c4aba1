using LastCall.Domain.Common;

namespace LastCall.Domain.Partners;

/// <summary>
/// A partner holding a binding on a cancelled number is asked to unbind it. Written in the same
/// transaction as the disconnection; the partner acknowledges it once it has unbound the number,
/// and the customer sees who has and who has not.
/// </summary>
public sealed class UnbindingRequest : AggregateRoot
{
    private UnbindingRequest() => Msisdn = null!;

    public Guid Id { get; private set; }

    public Guid PartnerId { get; private set; }

    public Msisdn Msisdn { get; private set; }

    public Guid CancellationId { get; private set; }

    public DateTimeOffset RequestedAt { get; private set; }

    public DateTimeOffset? AcknowledgedAt { get; private set; }

    public static UnbindingRequest Create(Guid partnerId, Msisdn msisdn, Guid cancellationId, DateTimeOffset now) =>
        new() { Id = Guid.CreateVersion7(now), PartnerId = partnerId, Msisdn = msisdn, CancellationId = cancellationId, RequestedAt = now };

    /// <summary>Records the acknowledgement; a second acknowledgement changes nothing and says so.</summary>
    public Result Acknowledge(DateTimeOffset now)
    {
        if (AcknowledgedAt is not null)
            return Fail.Conflict("already_acknowledged", "The unbinding request was already acknowledged.");
        AcknowledgedAt = now;
        return Result.Success;
    }
}
