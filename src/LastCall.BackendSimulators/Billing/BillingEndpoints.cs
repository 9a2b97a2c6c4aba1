using LastCall.BackendSimulators.Wire;

namespace LastCall.BackendSimulators.Billing;

/// <summary>
/// The simulated BSS under <c>/billing/v1</c>: <c>POST accounts/{msisdn}/final-bill</c> and
/// <c>POST accounts/{msisdn}/refunds</c>, both idempotent per requestId.
/// </summary>
public static class BillingEndpoints
{
    public static void MapBilling(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup(WireProtocol.BillingBasePath + "/accounts/{msisdn}");
        group.MapPost("/final-bill", (HttpContext context, string msisdn, OperationPipeline pipeline) =>
            pipeline.HandleAsync<FinalBillRequest>(context, SimulatedSystem.Billing, WireProtocol.FinalBill, msisdn, BillingOperations.FinalBill));
        group.MapPost("/refunds", (HttpContext context, string msisdn, OperationPipeline pipeline) =>
            pipeline.HandleAsync<RefundRequest>(context, SimulatedSystem.Billing, WireProtocol.Refund, msisdn, BillingOperations.Refund));
    }
}
