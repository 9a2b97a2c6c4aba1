using LastCall.SmdpSimulator.Es2Plus;

namespace LastCall.SmdpSimulator.Profiles;

/// <summary>The context one ES2+ function executes in: who called, which call, when.</summary>
public sealed record FunctionCall(string Function, string? RequesterId, string? CallId, DateTimeOffset At);

/// <summary>
/// The profiles as the ES2+ functions see them while the store's lock is held, with the two moves every
/// function makes: apply a transition, or refuse with a status code (both land in the profile's history).
/// </summary>
public sealed class ProfileBook(Dictionary<string, SimulatedProfile> profiles, SimulatorSettings settings)
{
    public SimulatorSettings Settings { get; } = settings;

    public SimulatedProfile? Find(string iccid) => profiles.GetValueOrDefault(iccid);

    public IEnumerable<SimulatedProfile> All => profiles.Values;

    public static void Apply(SimulatedProfile profile, FunctionCall call, ProfileState to, FunctionExecutionStatus status) =>
        profile.Record(new ProfileEvent(call.At, call.Function, call.RequesterId, call.CallId, status.Status,
            status.StatusCodeData?.SubjectCode, status.StatusCodeData?.ReasonCode, profile.State, to));

    /// <summary>A refusal that names a known profile is kept in its history; the state does not move.</summary>
    public static Es2PlusResponse Refuse(SimulatedProfile? profile, FunctionCall call, StatusCodeData code)
    {
        var response = Es2PlusResponse.Failed(code);
        if (profile is not null)
            Apply(profile, call, profile.State, response.Header.FunctionExecutionStatus);
        return response;
    }
}
