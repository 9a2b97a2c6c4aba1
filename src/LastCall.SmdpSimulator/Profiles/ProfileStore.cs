using System.Text.Json;
using LastCall.SmdpSimulator.Es2Plus;

namespace LastCall.SmdpSimulator.Profiles;

/// <summary>The first answer given to one functionCallIdentifier, replayed verbatim when the call is repeated.</summary>
public sealed record StoredAnswer(string Json, string Status, string? SubjectCode, string? ReasonCode);

/// <summary>Result of one ES2+ execution: the answer, and whether it was a replay of an earlier call.</summary>
public sealed record Execution(StoredAnswer Answer, bool Replayed);

/// <summary>
/// All SM-DP+ state, behind one lock (a simulator needs correctness, not throughput). ES2+ functions run
/// through <see cref="Execute"/>, which makes each one atomic and idempotent: the same
/// (requester, function, functionCallIdentifier) gets the first answer again and changes nothing.
/// </summary>
public sealed class ProfileStore
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, SimulatedProfile> _profiles = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, StoredAnswer> _answers = new(StringComparer.Ordinal);
    private readonly SimulatorSettings _settings;
    private readonly TimeProvider _clock;
    private readonly StateFile? _file;

    public ProfileStore(SimulatorSettings settings, TimeProvider clock)
    {
        _settings = settings;
        _clock = clock;
        if (settings.StateFile is not null)
        {
            _file = new StateFile(settings.StateFile);
            if (_file.Load() is { } snapshot)
            {
                foreach (var profile in snapshot.Profiles)
                    _profiles[profile.Iccid] = profile;
                foreach (var (key, answer) in snapshot.Answers)
                    _answers[key] = answer;
            }
        }
    }

    public Execution Execute(string function, RequestHeader header, Func<ProfileBook, FunctionCall, Es2PlusResponse> apply)
    {
        var key = string.Join('\u001f', header.FunctionRequesterIdentifier, function, header.FunctionCallIdentifier);
        lock (_gate)
        {
            if (_answers.TryGetValue(key, out var first))
                return new Execution(first, Replayed: true);

            var call = new FunctionCall(function, header.FunctionRequesterIdentifier, header.FunctionCallIdentifier, _clock.GetUtcNow());
            var response = apply(new ProfileBook(_profiles, _settings), call);
            var status = response.Header.FunctionExecutionStatus;
            // Serialized as its runtime type so that function outputs (iccid, matchingId …) are included.
            var answer = new StoredAnswer(JsonSerializer.Serialize<object>(response, Es2PlusProtocol.Json), status.Status,
                status.StatusCodeData?.SubjectCode, status.StatusCodeData?.ReasonCode);
            _answers[key] = answer;
            Persist();
            return new Execution(answer, Replayed: false);
        }
    }

    /// <summary>Operator-side seeding: creates or overwrites a profile (its history is kept).</summary>
    public ProfileView Seed(string iccid, ProfileState state, string? eid, string? profileType, string? matchingId)
    {
        lock (_gate)
        {
            if (!_profiles.TryGetValue(iccid, out var profile))
            {
                profile = new SimulatedProfile { Iccid = iccid, State = state };
                _profiles[iccid] = profile;
            }

            var from = profile.State;
            profile.Eid = eid;
            profile.MatchingId = matchingId;
            profile.ProfileType = profileType ?? SimulatedProfile.DefaultProfileType;
            profile.Record(new ProfileEvent(_clock.GetUtcNow(), "simulator:seed", null, null, FunctionExecutionStatus.ExecutedSuccess, null, null, from, state));
            Persist();
            return profile.ToView();
        }
    }

    public ProfileView? Get(string iccid)
    {
        lock (_gate)
            return _profiles.TryGetValue(iccid, out var profile) ? profile.ToView() : null;
    }

    public IReadOnlyList<ProfileView> List()
    {
        lock (_gate)
            return [.. _profiles.Values.OrderBy(p => p.Iccid, StringComparer.Ordinal).Select(p => p.ToView())];
    }

    /// <summary>
    /// The device side of a download: moves a Released profile one step (Downloaded, Installed or Error).
    /// Null when the profile is unknown; the refusal text when the step is not possible from its state.
    /// </summary>
    public (ProfileView? Profile, string? Refusal) AdvanceDevice(string iccid, ProfileState to)
    {
        lock (_gate)
        {
            if (!_profiles.TryGetValue(iccid, out var profile))
                return (null, null);
            var allowed = (profile.State, to) switch
            {
                (ProfileState.Released, ProfileState.Downloaded) => true,
                (ProfileState.Downloaded, ProfileState.Installed or ProfileState.Error) => true,
                _ => false,
            };
            if (!allowed)
                return (profile.ToView(), $"A device cannot move a {profile.State} profile to {to}; it must be Released first (confirmOrder with releaseFlag or releaseProfile).");

            profile.Record(new ProfileEvent(_clock.GetUtcNow(), "device:" + to, null, null, FunctionExecutionStatus.ExecutedSuccess, null, null, profile.State, to));
            Persist();
            return (profile.ToView(), null);
        }
    }

    /// <summary>Forgets every profile and every stored answer (a clean demo).</summary>
    public void Reset()
    {
        lock (_gate)
        {
            _profiles.Clear();
            _answers.Clear();
            Persist();
        }
    }

    private void Persist() =>
        _file?.Save(new StateSnapshot([.. _profiles.Values], new Dictionary<string, StoredAnswer>(_answers, StringComparer.Ordinal)));
}
