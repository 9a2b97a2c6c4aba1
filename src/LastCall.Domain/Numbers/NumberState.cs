namespace LastCall.Domain.Numbers;

/// <summary>Pool state of a number: Assigned → Quarantined(until) → Available → Assigned.</summary>
public enum NumberState
{
    Assigned,
    Quarantined,
    Available,
}
