namespace LastCall.SmdpSimulator.Profiles;

/// <summary>
/// One profile the SM-DP+ holds, keyed by ICCID. Mutable, and only ever touched under the store's lock.
/// </summary>
public sealed class SimulatedProfile
{
    public required string Iccid { get; init; }
    public string ProfileType { get; set; } = SimulatedProfile.DefaultProfileType;
    public ProfileState State { get; set; }
    public string? Eid { get; set; }
    public string? MatchingId { get; set; }
    public List<ProfileEvent> History { get; init; } = [];

    public const string DefaultProfileType = "default";

    /// <summary>Records what a function did (or refused to do) to this profile, then moves it on.</summary>
    public void Record(ProfileEvent entry)
    {
        History.Add(entry);
        State = entry.To;
    }

    public ProfileView ToView() => new(Iccid, ProfileType, State, Eid, MatchingId, [.. History]);
}

/// <summary>
/// One entry in a profile's history: an ES2+ function applied to it (or refused), or a simulated device step.
/// <paramref name="Status"/> is the function execution status answered; refused calls keep From == To.
/// </summary>
public sealed record ProfileEvent(
    DateTimeOffset At,
    string Function,
    string? FunctionRequesterIdentifier,
    string? FunctionCallIdentifier,
    string Status,
    string? SubjectCode,
    string? ReasonCode,
    ProfileState From,
    ProfileState To);

/// <summary>What <c>GET /simulator/profiles/{iccid}</c> shows: a copy, safe to hand out of the lock.</summary>
public sealed record ProfileView(string Iccid, string ProfileType, ProfileState State, string? Eid, string? MatchingId, IReadOnlyList<ProfileEvent> History);
