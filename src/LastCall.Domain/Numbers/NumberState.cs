namespace LastCall.Domain.Numbers;

/// <summary>Pool state of a number: Assigned → Quarantined(until) → Available → Assigned; Assigned → PortedOut → Assigned (ported back in).</summary>
public enum NumberState
{
    Assigned,
    Quarantined,
    Available,

    /// <summary>Ported out: the number belongs to the recipient operator; we never quarantine or give it out.</summary>
    PortedOut,
}
