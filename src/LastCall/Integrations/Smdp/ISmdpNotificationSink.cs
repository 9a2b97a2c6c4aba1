namespace LastCall.Integrations.Smdp;

/// <summary>
/// A handleDownloadProgressInfo notification from the SM-DP+ (SGP.22 5.3.5), validated. Notification points:
/// 1 eligibility and retry limit check, 2 confirmation failure, 3 BPP download, 4 BPP installation.
/// The SM-DP+ may send the same notification twice: <see cref="FunctionCallIdentifier"/> tells repeats apart.
/// </summary>
public sealed record DownloadProgressNotification(
    string FunctionRequesterIdentifier,
    string FunctionCallIdentifier,
    string? Eid,
    string Iccid,
    string ProfileType,
    DateTimeOffset Timestamp,
    int NotificationPointId,
    FunctionExecutionStatus NotificationPointStatus,
    string? ResultData);

/// <summary>Where validated SM-DP+ notifications go (implemented by the host).</summary>
public interface ISmdpNotificationSink
{
    Task HandleAsync(DownloadProgressNotification notification, CancellationToken cancellationToken);
}
