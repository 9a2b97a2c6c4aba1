using System.Collections.Concurrent;

namespace LastCall.SmdpSimulator.Notifications;

/// <summary>One handleDownloadProgressInfo the simulator tried to deliver, and how the operator answered.</summary>
public sealed record NotificationDelivery(
    DateTimeOffset At,
    string Iccid,
    int NotificationPointId,
    string NotificationPointStatus,
    string FunctionCallIdentifier,
    Uri? Url,
    int? HttpStatus,
    bool Delivered,
    string? Error);

/// <summary>Every notification attempt of this simulator instance, for <c>GET /simulator/notifications</c>.</summary>
public sealed class NotificationLog
{
    private readonly ConcurrentQueue<NotificationDelivery> _deliveries = new();

    public void Add(NotificationDelivery delivery) => _deliveries.Enqueue(delivery);

    public IReadOnlyList<NotificationDelivery> List(string? iccid = null) =>
        [.. _deliveries.Where(d => iccid is null || string.Equals(d.Iccid, iccid, StringComparison.OrdinalIgnoreCase))];

    public void Clear() => _deliveries.Clear();
}
