using LastCall.Auditing;
using LastCall.Data;
using LastCall.Domain.Audit;
using LastCall.Domain.Lines;
using Microsoft.EntityFrameworkCore;

namespace LastCall.Integrations.Smdp;

/// <summary>
/// Keeps our view of each eSIM profile current from the SM-DP+'s download notifications: a successful
/// BPP download (point 3) means Downloaded, a successful installation (point 4) Installed. Knowing this
/// matters at cancellation: an installed profile cannot be cancelled at the SM-DP+ and is retired instead.
/// </summary>
public sealed class ProfileProgressSink(AppDbContext db, AuditTrail audit, ILogger<ProfileProgressSink> logger) : ISmdpNotificationSink
{
    public async Task HandleAsync(DownloadProgressNotification notification, CancellationToken cancellationToken)
    {
        var succeeded = notification.NotificationPointStatus.Status is "Executed-Success" or "Executed-WithWarning";
        ProfileState? reported = (notification.NotificationPointId, succeeded) switch
        {
            (3, true) => ProfileState.Downloaded,
            (4, true) => ProfileState.Installed,
            (_, false) => ProfileState.Error,
            _ => null,
        };
        if (reported is null)
            return;
        var iccid = Domain.Common.Iccid.Create(notification.Iccid);
        var profile = iccid.IsSuccess ? await db.EsimProfiles.FirstOrDefaultAsync(p => p.Iccid == iccid.Value, cancellationToken) : null;
        if (profile is null)
        {
            logger.LogWarning("SM-DP+ notification {CallId} for an ICCID we do not hold", notification.FunctionCallIdentifier);
            return;
        }
        var before = profile.State;
        if (!profile.RecordProgress(reported.Value))
            return;
        audit.Record("esim.profile_progress", profile.Iccid.Value, before: new { state = before.ToString() },
            after: new { state = profile.State.ToString(), point = notification.NotificationPointId, notification.FunctionCallIdentifier }, actor: Actor.System("smdp"));
        await db.SaveChangesAsync(cancellationToken);
    }
}
