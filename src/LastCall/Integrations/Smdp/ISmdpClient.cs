namespace LastCall.Integrations.Smdp;

/// <summary>
/// The operator's side of ES2+ (GSMA SGP.22 5.3). Every call takes a caller-chosen
/// <c>functionCallId</c>: a step that is retried (after a timeout, a crash, a restart) must pass the same id
/// again, so that the SM-DP+ answers the first result instead of applying the function twice.
/// Calls never throw for SM-DP+ or network trouble; they return a result saying whether to retry.
/// </summary>
public interface ISmdpClient
{
    /// <summary>Reserves a profile: by ICCID, or any Available one of <paramref name="profileType"/>; with an EID it is linked to that eUICC.</summary>
    Task<SmdpResult<DownloadOrderResult>> DownloadOrderAsync(string functionCallId, string? eid, string? iccid, string? profileType, CancellationToken cancellationToken = default);

    /// <summary>Confirms an order; with <paramref name="releaseFlag"/> it is released for download at once.</summary>
    Task<SmdpResult<ConfirmOrderResult>> ConfirmOrderAsync(string functionCallId, string iccid, string? eid, bool releaseFlag, string? matchingId = null, string? confirmationCode = null, string? smdsAddress = null, CancellationToken cancellationToken = default);

    /// <summary>Cancels a pending order; <see cref="FinalProfileStatus.Unavailable"/> retires the ICCID for good.</summary>
    Task<SmdpResult> CancelOrderAsync(string functionCallId, string iccid, string? eid, FinalProfileStatus finalProfileStatusIndicator, string? matchingId = null, CancellationToken cancellationToken = default);

    /// <summary>Releases a Confirmed profile for download.</summary>
    Task<SmdpResult> ReleaseProfileAsync(string functionCallId, string iccid, CancellationToken cancellationToken = default);

    /// <summary>
    /// Ends a profile when its line is cancelled: cancelOrder with Unavailable, whatever we last knew, because our
    /// knowledge may be stale. An installed profile (8.2.1/3.3) or one with no order left to cancel (8.2.1/3.5)
    /// cannot be taken back by the SM-DP+ in SGP.22 v2: that is a warning (<see cref="ProfileRetirement.RetiredLocallyOnly"/>)
    /// and the caller goes on to network deprovisioning. A profile we already know as Unavailable is not sent again.
    /// </summary>
    Task<SmdpResult<ProfileRetirement>> RetireProfileAsync(string functionCallId, string iccid, string? eid, SmdpProfileState currentKnownState, CancellationToken cancellationToken = default);
}
