using LastCall.BackendSimulators.State;
using LastCall.BackendSimulators.Wire;

namespace LastCall.BackendSimulators.Network;

/// <summary>
/// The network operation the execution of a cancellation calls, as a rule over the subscriptions. It returns the full
/// answer; the state makes it atomic and idempotent per requestId.
/// </summary>
public static class NetworkOperations
{
    /// <summary>
    /// Removes the subscription from the HSS/UDM (Active or Barred → Deprovisioned). One that is already
    /// Deprovisioned is a success with the warning <c>already_deprovisioned</c>: the caller's goal state holds.
    /// </summary>
    public static OperationAnswer Deprovision(StateBook book, OperationCall call, DeprovisionRequest request)
    {
        var subscription = book.Subscription(call.Msisdn);
        if (subscription is null)
            return OperationAnswer.Error(StatusCodes.Status404NotFound, ErrorCodes.SubscriptionNotFound,
                $"The HSS/UDM has no subscription for {call.Msisdn}.");

        if (subscription.State == SubscriptionState.Deprovisioned)
        {
            var warning = new OperationWarning(ErrorCodes.AlreadyDeprovisioned,
                $"{call.Msisdn} was already deprovisioned at {subscription.DeprovisionedAt:O}; nothing changed.");
            subscription.Record(new SubscriptionEvent(call.At, call.Operation, call.RequestId, SubscriptionEventOutcome.Warning, warning.Code,
                SubscriptionState.Deprovisioned, SubscriptionState.Deprovisioned));
            return new OperationAnswer(StatusCodes.Status200OK,
                new DeprovisionResponse(call.Msisdn, subscription.Imsi, subscription.State, subscription.DeprovisionedAt ?? call.At, warning), warning.Code);
        }

        subscription.Record(new SubscriptionEvent(call.At, call.Operation, call.RequestId, SubscriptionEventOutcome.Applied, null,
            subscription.State, SubscriptionState.Deprovisioned));
        subscription.DeprovisionedAt = call.At;
        return new OperationAnswer(StatusCodes.Status200OK,
            new DeprovisionResponse(call.Msisdn, subscription.Imsi, subscription.State, call.At, null), null);
    }
}
