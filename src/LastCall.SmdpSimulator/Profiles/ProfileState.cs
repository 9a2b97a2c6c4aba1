namespace LastCall.SmdpSimulator.Profiles;

/// <summary>SM-DP+ profile states of SGP.22 (section 3.1.1 / the ES2+ functions of 5.3).</summary>
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
