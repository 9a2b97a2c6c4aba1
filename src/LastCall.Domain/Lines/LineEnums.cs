namespace LastCall.Domain.Lines;

/// <summary>
/// Active → Suspended (number retained) → Active; Active → Barred (arrears) → Active;
/// Active/Suspended → PendingCancellation → Cancelled (or back, if the cancellation is withdrawn);
/// Active/Suspended → PendingCancellation → PortedOut (the number went to another operator with its owner).
/// PendingCancellation means "being terminated", by a cancellation or a port-out.
/// </summary>
public enum LineStatus
{
    Active,
    Suspended,
    Barred,
    PendingCancellation,
    Cancelled,

    /// <summary>The owner took the number to another operator: the line has ended, the number is not ours any more.</summary>
    PortedOut,
}

/// <summary>Membership of a bundle or family plan.</summary>
public enum BundleRole
{
    None,
    Primary,
    Member,
}

/// <summary>Number portability state; an incoming port blocks cancellation until it settles.</summary>
public enum PortState
{
    None,
    PortInPending,
}

public enum ProfileRole
{
    Primary,

    /// <summary>A watch or tablet that shares the line's number (TS.43 SharedNumber).</summary>
    Companion,
}

/// <summary>Profile states as the SM-DP+ reports them (GSMA SGP.22).</summary>
public enum ProfileState
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
