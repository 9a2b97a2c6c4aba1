using LastCall.SmdpSimulator.Behaviour;
using LastCall.SmdpSimulator.Es2Plus;
using LastCall.SmdpSimulator.Notifications;
using LastCall.SmdpSimulator.Profiles;

namespace LastCall.SmdpSimulator.Admin;

/// <summary>Body of <c>PUT /simulator/profiles/{iccid}</c>; state defaults to Available, profileType to "default".</summary>
public sealed record SeedProfileRequest(string? Eid, ProfileState? State, string? ProfileType, string? MatchingId);

/// <summary>Body of <c>POST /simulator/profiles/{iccid}/install</c>: how far the device gets (default Installed).</summary>
public sealed record DeviceDownloadRequest(ProfileState? Until);

public sealed record DeviceDownloadResult(ProfileView Profile, IReadOnlyList<NotificationDelivery> Notifications);

/// <summary>
/// Operator/test controls under <c>/simulator</c> — not ES2+, and unaffected by the behaviour switches so
/// that a "down" simulator can still be switched back on.
/// </summary>
public static class SimulatorAdminEndpoints
{
    public static void MapSimulatorAdmin(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/simulator");

        group.MapPut("/profiles/{iccid}", (string iccid, SeedProfileRequest? body, ProfileStore store) =>
        {
            if (!IsIccid(iccid))
                return Results.BadRequest(new { error = "The ICCID must be 18 to 20 digits (a trailing F pad is allowed)." });
            if (body?.Eid is { } eid && !Es2PlusFunctions.IsEid(eid))
                return Results.BadRequest(new { error = "The EID must be 32 decimal digits." });
            return Results.Ok(store.Seed(iccid, body?.State ?? ProfileState.Available, body?.Eid, body?.ProfileType, body?.MatchingId));
        });

        group.MapGet("/profiles", (ProfileStore store) => Results.Ok(store.List()));

        group.MapGet("/profiles/{iccid}", (string iccid, ProfileStore store) =>
            store.Get(iccid) is { } profile ? Results.Ok(profile) : Results.NotFound(new { error = $"No profile {iccid}." }));

        group.MapPost("/profiles/{iccid}/install", SimulateDeviceDownloadAsync);

        group.MapGet("/calls", (string? iccid, string? function, CallLog calls) => Results.Ok(calls.List(iccid, function)));

        group.MapGet("/notifications", (string? iccid, NotificationLog log) => Results.Ok(log.List(iccid)));

        group.MapGet("/behaviour", (SimulatorBehaviour behaviour) => Results.Ok(behaviour.Current));

        group.MapPut("/behaviour", (BehaviourSettings body, SimulatorBehaviour behaviour) =>
        {
            if (body.Validate() is { } error)
                return Results.BadRequest(new { error });
            behaviour.Set(body);
            return Results.Ok(body);
        });

        group.MapPost("/reset", (ProfileStore store, CallLog calls, NotificationLog log, SimulatorBehaviour behaviour) =>
        {
            store.Reset();
            calls.Clear();
            log.Clear();
            behaviour.Set(new BehaviourSettings());
            return Results.NoContent();
        });
    }

    /// <summary>
    /// A device downloads a Released profile: Released → Downloaded (notification point 3) → Installed
    /// (point 4), or → Error (point 4, Failed). Each step notifies the operator before the next one.
    /// </summary>
    private static async Task<IResult> SimulateDeviceDownloadAsync(string iccid, DeviceDownloadRequest? body, ProfileStore store, DownloadProgressNotifier notifier, CancellationToken cancellationToken)
    {
        var until = body?.Until ?? ProfileState.Installed;
        if (until is not (ProfileState.Downloaded or ProfileState.Installed or ProfileState.Error))
            return Results.BadRequest(new { error = "until must be Downloaded, Installed or Error." });
        var current = store.Get(iccid);
        if (current is null)
            return Results.NotFound(new { error = $"No profile {iccid}." });

        // A Released profile is downloaded first; a Downloaded one goes straight to its final step.
        List<ProfileState> steps = current.State == ProfileState.Downloaded ? [until] : [.. new[] { ProfileState.Downloaded, until }.Distinct()];
        var notifications = new List<NotificationDelivery>();
        foreach (var step in steps)
        {
            var (profile, refusal) = store.AdvanceDevice(iccid, step);
            if (refusal is not null)
                return Results.Conflict(new { error = refusal, profile });
            var status = step == ProfileState.Error
                ? new FunctionExecutionStatus(FunctionExecutionStatus.Failed, new StatusCodeData("8.2.10", "4.2", iccid, "The eUICC could not load the Bound Profile Package."))
                : FunctionExecutionStatus.Success;
            var point = step == ProfileState.Downloaded ? DownloadProgressNotifier.BppDownload : DownloadProgressNotifier.BppInstallation;
            notifications.Add(await notifier.NotifyAsync(profile!, point, status, cancellationToken));
        }

        return Results.Ok(new DeviceDownloadResult(store.Get(iccid)!, notifications));
    }

    private static bool IsIccid(string value)
    {
        var digits = value.EndsWith('F') || value.EndsWith('f') ? value[..^1] : value;
        return digits.Length is >= 18 and <= 20 && digits.All(char.IsAsciiDigit);
    }
}
