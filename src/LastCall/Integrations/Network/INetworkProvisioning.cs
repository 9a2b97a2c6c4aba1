using LastCall.Integrations.Backends;

namespace LastCall.Integrations.Network;

/// <summary>
/// Network provisioning (HSS/UDM), as the execution of a cancellation needs it: remove the line's subscription so that
/// its IMSI can no longer attach. This step always runs, whatever happened at the SM-DP+, because an installed eSIM
/// profile cannot be deleted remotely (SGP.22 v2). Every call takes a caller-chosen <c>requestId</c>: a retried step
/// passes the same id again and gets the first answer. Calls never throw for network trouble; they return a result
/// saying whether to retry.
/// </summary>
public interface INetworkProvisioning
{
    /// <summary>
    /// Deprovisions the subscription of <paramref name="msisdn"/> (E.164). A subscription already deprovisioned by
    /// another request is a <see cref="BackendOutcome.Warning"/> with <see cref="NetworkCodes.AlreadyDeprovisioned"/>:
    /// the goal state holds. Business failure: <see cref="NetworkCodes.SubscriptionNotFound"/>.
    /// </summary>
    Task<BackendResult<Deprovisioning>> DeprovisionAsync(string requestId, string msisdn, CancellationToken cancellationToken = default);
}

/// <summary>
/// The subscription after deprovisioning. <see cref="DeprovisionedAt"/> is when it actually happened: earlier than the
/// call when <see cref="AlreadyDeprovisioned"/> (another request had done it).
/// </summary>
public sealed record Deprovisioning(string Msisdn, string Imsi, DateTimeOffset DeprovisionedAt, bool AlreadyDeprovisioned);

/// <summary>The error and warning codes of the network provisioning API.</summary>
public static class NetworkCodes
{
    /// <summary>404: the HSS/UDM has no subscription for the number.</summary>
    public const string SubscriptionNotFound = "subscription_not_found";

    /// <summary>Warning on a 200: another request had already deprovisioned it; nothing changed.</summary>
    public const string AlreadyDeprovisioned = "already_deprovisioned";

    /// <summary>422: the requestId was already used for another number.</summary>
    public const string RequestIdReused = "request_id_reused";
}
