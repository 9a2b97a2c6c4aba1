namespace LastCall.Domain.Messaging;

/// <summary>
/// An event for partners (<c>number.disconnected</c>, <c>unbinding.requested</c>), written in the same
/// transaction as the change it reports, so it is never lost and never sent for a change that did not
/// happen. <see cref="DeduplicationKey"/> makes a second write of the same event impossible. Delivery
/// (signed webhooks) reads the outbox in <see cref="Id"/> order.
/// </summary>
public sealed class OutboxEvent
{
    private OutboxEvent()
    {
        Type = null!;
        Payload = null!;
        DeduplicationKey = null!;
    }

    public long Id { get; private set; }

    public string Type { get; private set; }

    public string Payload { get; private set; }

    public string DeduplicationKey { get; private set; }

    public DateTimeOffset OccurredAt { get; private set; }

    public static OutboxEvent Create(string type, string payload, string deduplicationKey, DateTimeOffset now) =>
        new() { Type = type, Payload = payload, DeduplicationKey = deduplicationKey, OccurredAt = now };
}
