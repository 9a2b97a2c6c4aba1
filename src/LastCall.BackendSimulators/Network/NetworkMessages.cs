using LastCall.BackendSimulators.Wire;

namespace LastCall.BackendSimulators.Network;

// Request and response bodies of /network/v1 and of the network seeding control. camelCase on the wire.

/// <summary><c>POST /network/v1/subscriptions/{msisdn}/deprovision</c>.</summary>
public sealed record DeprovisionRequest(string? RequestId) : IOperationRequest
{
    public ApiError? Validate() => null;

    public string Fingerprint() => string.Empty;
}

/// <summary>
/// The subscription after deprovisioning. <paramref name="Warning"/> is <c>already_deprovisioned</c> when another
/// request had already removed it: the goal state holds, and <paramref name="DeprovisionedAt"/> is when that happened.
/// </summary>
public sealed record DeprovisionResponse(string Msisdn, string Imsi, SubscriptionState State, DateTimeOffset DeprovisionedAt, OperationWarning? Warning);

/// <summary>Body of <c>PUT /simulator/network/subscriptions/{msisdn}</c>: the IMSI (6 to 15 digits) and a state (Active when left out).</summary>
public sealed record SubscriptionSeed(string? Imsi, SubscriptionState? State);
