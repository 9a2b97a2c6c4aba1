using LastCall.BackendSimulators.Wire;

namespace LastCall.BackendSimulators.Network;

/// <summary>The simulated HSS/UDM under <c>/network/v1</c>: <c>POST subscriptions/{msisdn}/deprovision</c>, idempotent per requestId.</summary>
public static class NetworkEndpoints
{
    public static void MapNetwork(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup(WireProtocol.NetworkBasePath + "/subscriptions/{msisdn}");
        group.MapPost("/deprovision", (HttpContext context, string msisdn, OperationPipeline pipeline) =>
            pipeline.HandleAsync<DeprovisionRequest>(context, SimulatedSystem.Network, WireProtocol.Deprovision, msisdn, NetworkOperations.Deprovision));
    }
}
