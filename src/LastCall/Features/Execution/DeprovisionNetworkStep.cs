using System.Text.Json;
using LastCall.Domain.Cancellations;
using LastCall.Integrations.Backends;
using LastCall.Integrations.Network;

namespace LastCall.Features.Execution;

/// <summary>
/// Removes the subscription from the network (HSS/UDM). It always runs, even when every profile was
/// released: an installed profile cannot be deleted remotely, so only the network can end service.
/// A subscription already gone is the goal state and counts as done.
/// </summary>
public sealed class DeprovisionNetworkStep(INetworkProvisioning network) : IExecutionStep
{
    public StepName Name => StepName.DeprovisionNetwork;

    public async Task<StepResult> RunAsync(StepContext context, CancellationToken ct)
    {
        var result = await network.DeprovisionAsync(context.Key("deprovision"), context.Line.Msisdn.Value, ct);
        return result.Outcome switch
        {
            BackendOutcome.TransientFailure => StepResult.Unreachable("network", $"network: {result.Detail}"),
            BackendOutcome.BusinessFailure => StepResult.Permanent($"network refused: {result.Code} {result.Detail}"),
            _ => StepResult.Success(JsonSerializer.Serialize(new
            {
                deprovisionedAt = result.Value!.DeprovisionedAt,
                alreadyDeprovisioned = result.Value.AlreadyDeprovisioned,
            })),
        };
    }
}
