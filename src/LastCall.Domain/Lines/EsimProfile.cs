using LastCall.Domain.Common;

namespace LastCall.Domain.Lines;

/// <summary>An eSIM profile carrying a line's number on one device. Part of the <see cref="Line"/> aggregate.</summary>
public sealed class EsimProfile
{
    public const int MaxDeviceLabelLength = 60;

    private EsimProfile()
    {
        Iccid = null!;
        DeviceLabel = null!;
    }

    public Guid Id { get; private set; }

    public Guid LineId { get; private set; }

    public Iccid Iccid { get; private set; }

    /// <summary>The eUICC the profile is (or will be) installed on; unknown before download.</summary>
    public Eid? Eid { get; private set; }

    public ProfileRole Role { get; private set; }

    public string DeviceLabel { get; private set; }

    public ProfileState State { get; private set; }

    internal static Result<EsimProfile> Create(Guid lineId, Iccid iccid, Eid? eid, ProfileRole role, string? deviceLabel, ProfileState state)
    {
        var label = deviceLabel?.Trim() ?? "";
        if (label.Length > MaxDeviceLabelLength)
            return Result<EsimProfile>.Failure("invalid_profile", $"A device label has at most {MaxDeviceLabelLength} characters.");
        return new EsimProfile
        {
            Id = Guid.CreateVersion7(),
            LineId = lineId,
            Iccid = iccid,
            Eid = eid,
            Role = role,
            DeviceLabel = label,
            State = state,
        };
    }

    /// <summary>
    /// The SM-DP+ reported download progress (SGP.22 handleDownloadProgressInfo). A retired profile stays
    /// retired whatever arrives late; otherwise the state only moves forward.
    /// </summary>
    public bool RecordProgress(ProfileState reported)
    {
        if (State == ProfileState.Unavailable || reported <= State)
            return false;
        State = reported;
        return true;
    }

    /// <summary>The line was cancelled: the profile is withdrawn at the SM-DP+ and its ICCID is never used again.</summary>
    public void Retire() => State = ProfileState.Unavailable;

    internal void Update(Eid? eid, ProfileRole role, string deviceLabel, ProfileState state)
    {
        Eid = eid;
        Role = role;
        DeviceLabel = deviceLabel;
        State = state;
    }
}

/// <summary>What an import or an activation says a profile should look like.</summary>
public sealed record ProfileSpec(Iccid Iccid, Eid? Eid, ProfileRole Role, string DeviceLabel, ProfileState State = ProfileState.Installed);
