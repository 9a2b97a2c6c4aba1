using System.Text.Json;
using LastCall.Domain.Cancellations;
using LastCall.Domain.Lines;
using LastCall.Integrations.Smdp;

namespace LastCall.Features.Execution;

/// <summary>
/// Retires every eSIM profile of the line at the SM-DP+ over ES2+, companions (watches, tablets) too.
/// Each profile's call id is fixed per request and ICCID, so a retry after a timeout or a crash is
/// answered from the SM-DP+'s record instead of being applied twice. Retired ICCIDs are never reused.
/// </summary>
public sealed class ReleaseProfilesStep(ISmdpClient smdp) : IExecutionStep
{
    public StepName Name => StepName.ReleaseProfiles;

    public async Task<StepResult> RunAsync(StepContext context, CancellationToken ct)
    {
        var results = new List<object>();
        foreach (var profile in context.Line.Profiles.OrderBy(p => p.Role).ThenBy(p => p.Iccid.Value))
        {
            var result = await smdp.RetireProfileAsync(context.Key("profile-" + profile.Iccid.Value), profile.Iccid.Value, profile.Eid?.Value, Known(profile.State), ct);
            if (result.Outcome == SmdpOutcome.TransientFailure)
                return StepResult.Unreachable("smdp", $"SM-DP+ unavailable for {profile.Iccid.Value}: {result.Detail}");
            if (!result.Succeeded)
                return StepResult.Permanent($"SM-DP+ refused {profile.Iccid.Value}: {result.StatusCode?.SubjectCode}/{result.StatusCode?.ReasonCode} {result.Detail}");
            profile.Retire();
            results.Add(new { iccid = profile.Iccid.Value, role = profile.Role.ToString(), device = profile.DeviceLabel, retirement = result.Value.ToString() });
        }
        return StepResult.Success(JsonSerializer.Serialize(new { profiles = results }));
    }

    private static SmdpProfileState Known(ProfileState state) => Enum.Parse<SmdpProfileState>(state.ToString());
}
