using LastCall.BackendSimulators.Behaviour;
using LastCall.BackendSimulators.State;
using LastCall.BackendSimulators.Wire;

namespace LastCall.BackendSimulators.Billing;

/// <summary>
/// The simulated BSS under <c>/billing/v1</c>: <c>POST accounts/{msisdn}/final-bill</c> and
/// <c>POST accounts/{msisdn}/refunds</c>, both idempotent per requestId, and <c>GET accounts/{msisdn}/bills</c>.
/// </summary>
public static class BillingEndpoints
{
    public static void MapBilling(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup(WireProtocol.BillingBasePath + "/accounts/{msisdn}");
        group.MapPost("/final-bill", (HttpContext context, string msisdn, OperationPipeline pipeline) =>
            pipeline.HandleAsync<FinalBillRequest>(context, SimulatedSystem.Billing, WireProtocol.FinalBill, msisdn, BillingOperations.FinalBill));
        group.MapGet("/bills", (string msisdn, SimulatorState state, SimulatorBehaviour behaviour) =>
        {
            // A read applies only the "down" and failure switches: nothing to make idempotent.
            var settings = behaviour.For(SimulatedSystem.Billing);
            if (settings.Down)
                return Results.StatusCode(StatusCodes.Status503ServiceUnavailable);
            if (SimulatorBehaviour.ShouldFail(settings))
                return Results.StatusCode(StatusCodes.Status500InternalServerError);
            if (!MsisdnFormat.IsE164(msisdn))
                return Results.Json(new ApiError(StatusCodes.Status400BadRequest, "invalid_msisdn", MsisdnFormat.Invalid(msisdn).Message), statusCode: StatusCodes.Status400BadRequest);
            return state.GetAccount(msisdn) is { } account
                ? Results.Ok(new BillsResponse(account.Msisdn, account.Currency, account.Bills))
                : Results.Json(new ApiError(StatusCodes.Status404NotFound, ErrorCodes.AccountNotFound, $"No billing account for {msisdn}."), statusCode: StatusCodes.Status404NotFound);
        });
        group.MapPost("/refunds", (HttpContext context, string msisdn, OperationPipeline pipeline) =>
            pipeline.HandleAsync<RefundRequest>(context, SimulatedSystem.Billing, WireProtocol.Refund, msisdn, BillingOperations.Refund));
    }
}
