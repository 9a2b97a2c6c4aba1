namespace LastCall.Integrations.Smdp;

/// <summary>SM-DP+ profile states (SGP.22): what we last knew about a profile on the SM-DP+ side.</summary>
public enum SmdpProfileState
{
    Available,
    Allocated,
    Linked,
    Confirmed,
    Released,
    Downloaded,
    Installed,
    Error,
    Unavailable,
}

/// <summary>cancelOrder's finalProfileStatusIndicator: Available puts the ICCID back in the pool, Unavailable retires it.</summary>
public enum FinalProfileStatus
{
    Available,
    Unavailable,
}

/// <summary>How a profile ended when a line was cancelled (the value of a successful RetireProfileAsync).</summary>
public enum ProfileRetirement
{
    /// <summary>The SM-DP+ cancelled the order and made the ICCID Unavailable.</summary>
    RetiredAtSmdp,

    /// <summary>We already knew it as Unavailable; nothing was sent.</summary>
    AlreadyRetired,

    /// <summary>
    /// The SM-DP+ cannot take it back (installed on the device — SGP.22 v2 has no remote delete — or it holds no
    /// order to cancel). The ICCID is retired on our side; network deprovisioning is what ends the service.
    /// </summary>
    RetiredLocallyOnly,
}
