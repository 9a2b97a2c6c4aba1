using System.Security.Cryptography;
using LastCall.SmdpSimulator.Es2Plus;

namespace LastCall.SmdpSimulator.Profiles;

/// <summary>
/// The four ES2+ functions an operator calls (SGP.22 5.3.1–5.3.4) as state rules over the profile book.
/// Each returns the full response; the store makes them atomic and idempotent per functionCallIdentifier.
/// </summary>
public static class Es2PlusFunctions
{
    public static Es2PlusResponse DownloadOrder(ProfileBook book, FunctionCall call, DownloadOrderRequest request)
    {
        if (IsBlank(request.Iccid) && IsBlank(request.ProfileType))
            return Es2PlusResponse.Failed(Es2PlusErrors.ProfileTypeOrIccidMissing());
        if (request.Eid is { } eid && !IsEid(eid))
            return Es2PlusResponse.Failed(Es2PlusErrors.EidInvalid(eid));

        SimulatedProfile profile;
        if (!IsBlank(request.Iccid))
        {
            var found = book.Find(request.Iccid!);
            if (found is null)
                return Es2PlusResponse.Failed(Es2PlusErrors.IccidUnknown(request.Iccid!));
            if (!IsBlank(request.ProfileType) && request.ProfileType != found.ProfileType)
                return ProfileBook.Refuse(found, call, Es2PlusErrors.ProfileTypeMismatch(request.ProfileType!));
            if (found.State != ProfileState.Available)
                return ProfileBook.Refuse(found, call, Es2PlusErrors.ProfileNotAvailable(found.Iccid, found.State.ToString()));
            profile = found;
        }
        else
        {
            var ofType = book.All.Where(p => p.ProfileType == request.ProfileType).OrderBy(p => p.Iccid, StringComparer.Ordinal).ToList();
            if (ofType.Count == 0)
                return Es2PlusResponse.Failed(Es2PlusErrors.ProfileTypeUnknown(request.ProfileType!));
            var available = ofType.FirstOrDefault(p => p.State == ProfileState.Available);
            if (available is null)
                return Es2PlusResponse.Failed(Es2PlusErrors.NoMoreProfiles(request.ProfileType!));
            profile = available;
        }

        // With an EID the profile is bound to that eUICC (Linked); without, it is only reserved (Allocated).
        profile.Eid = request.Eid;
        var status = FunctionExecutionStatus.Success;
        ProfileBook.Apply(profile, call, request.Eid is null ? ProfileState.Allocated : ProfileState.Linked, status);
        return new DownloadOrderResponse(new ResponseHeader(status), profile.Iccid);
    }

    public static Es2PlusResponse ConfirmOrder(ProfileBook book, FunctionCall call, ConfirmOrderRequest request)
    {
        if (IsBlank(request.Iccid))
            return Es2PlusResponse.Failed(Es2PlusErrors.IccidMissing(call.Function));
        if (request.ReleaseFlag is null)
            return Es2PlusResponse.Failed(Es2PlusErrors.MissingElement("releaseFlag"));
        var profile = book.Find(request.Iccid!);
        if (profile is null)
            return Es2PlusResponse.Failed(Es2PlusErrors.IccidUnknown(request.Iccid!));
        if (profile.State is not (ProfileState.Allocated or ProfileState.Linked))
            return ProfileBook.Refuse(profile, call, Es2PlusErrors.ProfileNotAvailable(profile.Iccid, profile.State.ToString()));
        if (request.Eid is { } eid)
        {
            if (!IsEid(eid))
                return ProfileBook.Refuse(profile, call, Es2PlusErrors.EidInvalid(eid));
            if (profile.Eid is not null && profile.Eid != eid)
                return ProfileBook.Refuse(profile, call, Es2PlusErrors.DifferentEid(profile.Iccid));
        }

        var effectiveEid = request.Eid ?? profile.Eid;
        // Without an activation code the device can only find the order by its EID (SM-DS or default SM-DP+).
        if (effectiveEid is null && (!IsBlank(request.SmdsAddress) || request.MatchingId == string.Empty))
            return ProfileBook.Refuse(profile, call, Es2PlusErrors.EidMissing());

        var matchingId = request.MatchingId;
        if (!string.IsNullOrEmpty(matchingId) && book.All.Any(p => p != profile && p.MatchingId == matchingId))
            return ProfileBook.Refuse(profile, call, Es2PlusErrors.MatchingIdConflict(matchingId));
        matchingId ??= NewMatchingId();

        profile.Eid = effectiveEid;
        profile.MatchingId = matchingId;
        var status = IsBlank(request.SmdsAddress)
            ? FunctionExecutionStatus.Success
            : new FunctionExecutionStatus(FunctionExecutionStatus.ExecutedWithWarning, Es2PlusErrors.SmdsUnreachable(request.SmdsAddress!));
        ProfileBook.Apply(profile, call, request.ReleaseFlag.Value ? ProfileState.Released : ProfileState.Confirmed, status);
        return new ConfirmOrderResponse(new ResponseHeader(status), effectiveEid, matchingId, book.Settings.SmdpAddress);
    }

    public static Es2PlusResponse CancelOrder(ProfileBook book, FunctionCall call, CancelOrderRequest request)
    {
        if (IsBlank(request.Iccid) || IsBlank(request.FinalProfileStatusIndicator))
            return Es2PlusResponse.Failed(Es2PlusErrors.FinalProfileStatusIndicatorMissing());
        if (request.FinalProfileStatusIndicator is not ("Available" or "Unavailable"))
            return Es2PlusResponse.Failed(Es2PlusErrors.FinalProfileStatusIndicatorInvalid(request.FinalProfileStatusIndicator!));
        var profile = book.Find(request.Iccid!);
        if (profile is null)
            return Es2PlusResponse.Failed(Es2PlusErrors.IccidUnknown(request.Iccid!));
        if (request.Eid is { } eid && profile.Eid is not null && profile.Eid != eid)
            return ProfileBook.Refuse(profile, call, Es2PlusErrors.DifferentEid(profile.Iccid));
        if (!IsBlank(request.MatchingId) && profile.MatchingId is not null && profile.MatchingId != request.MatchingId)
            return ProfileBook.Refuse(profile, call, Es2PlusErrors.DifferentMatchingId(profile.Iccid));

        switch (profile.State)
        {
            // SGP.22 v2: once on the device, the SM-DP+ cannot take it back; the operator retires it on its side.
            case ProfileState.Downloaded or ProfileState.Installed:
                return ProfileBook.Refuse(profile, call, Es2PlusErrors.ProfileAlreadyDownloaded(profile.Iccid, profile.State.ToString()));
            case ProfileState.Available or ProfileState.Unavailable:
                return ProfileBook.Refuse(profile, call, Es2PlusErrors.InvalidTransition(profile.Iccid, profile.State.ToString(), call.Function));
        }

        var to = request.FinalProfileStatusIndicator == "Available" ? ProfileState.Available : ProfileState.Unavailable;
        if (to == ProfileState.Available)
        {
            // Back in the pool for another order: forget the old binding.
            profile.Eid = null;
            profile.MatchingId = null;
        }

        ProfileBook.Apply(profile, call, to, FunctionExecutionStatus.Success);
        return Es2PlusResponse.Success();
    }

    public static Es2PlusResponse ReleaseProfile(ProfileBook book, FunctionCall call, ReleaseProfileRequest request)
    {
        if (IsBlank(request.Iccid))
            return Es2PlusResponse.Failed(Es2PlusErrors.IccidMissing(call.Function));
        var profile = book.Find(request.Iccid!);
        if (profile is null)
            return Es2PlusResponse.Failed(Es2PlusErrors.IccidUnknown(request.Iccid!));
        if (profile.State != ProfileState.Confirmed)
            return ProfileBook.Refuse(profile, call, Es2PlusErrors.ProfileCannotBeReleased(profile.Iccid, profile.State.ToString()));

        ProfileBook.Apply(profile, call, ProfileState.Released, FunctionExecutionStatus.Success);
        return Es2PlusResponse.Success();
    }

    public static bool IsEid(string value) => value.Length == 32 && value.All(char.IsAsciiDigit);

    private static bool IsBlank(string? value) => string.IsNullOrWhiteSpace(value);

    /// <summary>An activation-code token in the usual shape (XXXXX-XXXXX-XXXXX-XXXXX).</summary>
    private static string NewMatchingId()
    {
        const string alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ0123456789";
        var chars = RandomNumberGenerator.GetItems<char>(alphabet, 20);
        return string.Join('-', Enumerable.Range(0, 4).Select(i => new string(chars, i * 5, 5)));
    }
}
