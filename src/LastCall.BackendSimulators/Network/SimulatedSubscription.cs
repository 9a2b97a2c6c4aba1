namespace LastCall.BackendSimulators.Network;

/// <summary>A subscription's state in the HSS/UDM.</summary>
public enum SubscriptionState
{
    /// <summary>Registered and allowed to attach.</summary>
    Active,

    /// <summary>Registered but barred (e.g. for arrears): no service, still provisioned.</summary>
    Barred,

    /// <summary>Removed from the HSS/UDM: the IMSI can no longer attach, the number carries no service.</summary>
    Deprovisioned,
}

/// <summary>How an entry in a subscription's history came about.</summary>
public enum SubscriptionEventOutcome
{
    /// <summary>The operation changed the subscription.</summary>
    Applied,

    /// <summary>The operation succeeded with a warning and changed nothing (e.g. already deprovisioned).</summary>
    Warning,

    /// <summary>Operator-side seeding through <c>/simulator</c>.</summary>
    Seeded,
}

/// <summary>
/// One entry in a subscription's history: an operation applied to it (or answered with a warning), or a seeding.
/// Replays add nothing, so "deprovisioned exactly once" means one Applied deprovision entry.
/// </summary>
public sealed record SubscriptionEvent(
    DateTimeOffset At,
    string Operation,
    string? RequestId,
    SubscriptionEventOutcome Outcome,
    string? Code,
    SubscriptionState From,
    SubscriptionState To);

/// <summary>One subscription in the HSS/UDM, keyed by MSISDN. Mutable, and only ever touched under the state's lock.</summary>
public sealed class SimulatedSubscription
{
    public required string Msisdn { get; init; }
    public required string Imsi { get; set; }
    public SubscriptionState State { get; set; }
    public DateTimeOffset? DeprovisionedAt { get; set; }
    public List<SubscriptionEvent> History { get; init; } = [];

    public const string SeedOperation = "simulator:seed";

    /// <summary>Operator-side seeding: sets IMSI and state; the history records it.</summary>
    public void Seed(string imsi, SubscriptionState state, DateTimeOffset at)
    {
        History.Add(new SubscriptionEvent(at, SeedOperation, null, SubscriptionEventOutcome.Seeded, null, State, state));
        Imsi = imsi;
        State = state;
        DeprovisionedAt = state == SubscriptionState.Deprovisioned ? at : null;
    }

    /// <summary>Records what an operation did to this subscription, then moves it on.</summary>
    public void Record(SubscriptionEvent entry)
    {
        History.Add(entry);
        State = entry.To;
    }

    public SubscriptionView ToView() => new(Msisdn, Imsi, State, DeprovisionedAt, [.. History]);
}

/// <summary>What <c>GET /simulator/network/subscriptions/{msisdn}</c> shows: a copy, safe to hand out of the lock.</summary>
public sealed record SubscriptionView(string Msisdn, string Imsi, SubscriptionState State, DateTimeOffset? DeprovisionedAt, IReadOnlyList<SubscriptionEvent> History);
