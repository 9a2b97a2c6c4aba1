using LastCall.Domain.Common;

namespace LastCall.Domain.Partners;

/// <summary>
/// The new holder of a recycled number asks partners to drop the accounts the previous holder bound to it (China's
/// 二次号码焕新 programme). One per line: asking again answers the same request. Each partner gets its own
/// <see cref="UnbindingRequest"/> (reason <see cref="UnbindingReason.NewHolder"/>) and acknowledges it like any other;
/// <see cref="BoundBefore"/> (the line's activation day) tells partners which bindings were the previous holder's.
/// </summary>
public sealed class PreviousHolderUnbinding : AggregateRoot
{
    private PreviousHolderUnbinding() => Msisdn = null!;

    public Guid Id { get; private set; }

    public Guid LineId { get; private set; }

    public Guid CustomerId { get; private set; }

    public Msisdn Msisdn { get; private set; }

    /// <summary>Accounts bound to the number before this day belong to the previous holder.</summary>
    public DateOnly BoundBefore { get; private set; }

    public DateTimeOffset RequestedAt { get; private set; }

    public static PreviousHolderUnbinding Request(Guid lineId, Guid customerId, Msisdn msisdn, DateOnly activatedOn, DateTimeOffset now) =>
        new() { Id = Guid.CreateVersion7(now), LineId = lineId, CustomerId = customerId, Msisdn = msisdn, BoundBefore = activatedOn, RequestedAt = now };
}
