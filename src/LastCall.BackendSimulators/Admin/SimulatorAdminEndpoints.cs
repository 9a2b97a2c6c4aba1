using LastCall.BackendSimulators.Behaviour;
using LastCall.BackendSimulators.Billing;
using LastCall.BackendSimulators.Network;
using LastCall.BackendSimulators.State;
using LastCall.BackendSimulators.Wire;

namespace LastCall.BackendSimulators.Admin;

/// <summary>
/// Operator/test controls under <c>/simulator</c> — not part of either simulated API, and unaffected by the
/// behaviour switches so that a "down" system can still be switched back on.
/// </summary>
public static class SimulatorAdminEndpoints
{
    public static void MapSimulatorAdmin(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/simulator");

        group.MapPut("/billing/accounts/{msisdn}", (string msisdn, AccountSeed? body, SimulatorState state, BackendSimulatorSettings settings) =>
        {
            if (!MsisdnFormat.IsE164(msisdn))
                return Results.BadRequest(new { error = MsisdnFormat.Invalid(msisdn).Message });
            var currency = body?.Currency ?? settings.DefaultCurrency;
            if (!Amounts.IsCurrencyCode(currency))
                return Results.BadRequest(new { error = "currency must be a three-letter ISO 4217 code (upper case)." });
            decimal[] amounts = [body?.Balance ?? 0, body?.Arrears ?? 0, body?.UnbilledUsage ?? 0, body?.Deposit ?? 0];
            if (amounts.Any(a => a < 0 || !Amounts.HasAtMostTwoDecimals(a)))
                return Results.BadRequest(new { error = "balance, arrears, unbilledUsage and deposit are zero or more, with at most two decimal places." });
            if (body?.MonthlyCharge is { } charge && (charge < 0 || !Amounts.HasAtMostTwoDecimals(charge)))
                return Results.BadRequest(new { error = "monthlyCharge is zero or more, with at most two decimal places." });
            return Results.Ok(state.SeedAccount(msisdn, currency, amounts[0], amounts[1], amounts[2], amounts[3], body?.ActivatedOn, body?.MonthlyCharge));
        });

        group.MapGet("/billing/accounts", (SimulatorState state) => Results.Ok(state.ListAccounts()));

        group.MapGet("/billing/accounts/{msisdn}", (string msisdn, SimulatorState state) =>
            state.GetAccount(msisdn) is { } account ? Results.Ok(account) : Results.NotFound(new { error = $"No account {msisdn}." }));

        group.MapPut("/network/subscriptions/{msisdn}", (string msisdn, SubscriptionSeed? body, SimulatorState state) =>
        {
            if (!MsisdnFormat.IsE164(msisdn))
                return Results.BadRequest(new { error = MsisdnFormat.Invalid(msisdn).Message });
            if (body?.Imsi is not { Length: >= 6 and <= 15 } imsi || !imsi.All(char.IsAsciiDigit))
                return Results.BadRequest(new { error = "imsi is required: 6 to 15 digits (MCC, MNC, MSIN)." });
            if (body.State is { } seeded && !Enum.IsDefined(seeded))
                return Results.BadRequest(new { error = "state must be Active, Barred or Deprovisioned." });
            return Results.Ok(state.SeedSubscription(msisdn, imsi, body.State ?? SubscriptionState.Active));
        });

        group.MapGet("/network/subscriptions", (SimulatorState state) => Results.Ok(state.ListSubscriptions()));

        group.MapGet("/network/subscriptions/{msisdn}", (string msisdn, SimulatorState state) =>
            state.GetSubscription(msisdn) is { } subscription ? Results.Ok(subscription) : Results.NotFound(new { error = $"No subscription {msisdn}." }));

        group.MapGet("/calls", (string? system, string? operation, string? msisdn, CallLog calls) =>
        {
            SimulatedSystem? filter = null;
            if (system is not null)
            {
                if (!TryParseSystem(system, out var parsed))
                    return Results.BadRequest(new { error = "system must be billing or network." });
                filter = parsed;
            }

            return Results.Ok(calls.List(filter, operation, msisdn));
        });

        group.MapGet("/behaviour", (SimulatorBehaviour behaviour) => Results.Ok(behaviour.View()));

        group.MapPut("/behaviour", (BehaviourSettings body, SimulatorBehaviour behaviour) =>
        {
            if (body.Validate() is { } error)
                return Results.BadRequest(new { error });
            behaviour.SetAll(body);
            return Results.Ok(behaviour.View());
        });

        group.MapGet("/behaviour/{system}", (string system, SimulatorBehaviour behaviour) =>
            TryParseSystem(system, out var parsed) ? Results.Ok(behaviour.For(parsed)) : Results.NotFound(new { error = "system must be billing or network." }));

        group.MapPut("/behaviour/{system}", (string system, BehaviourSettings body, SimulatorBehaviour behaviour) =>
        {
            if (!TryParseSystem(system, out var parsed))
                return Results.NotFound(new { error = "system must be billing or network." });
            if (body.Validate() is { } error)
                return Results.BadRequest(new { error });
            behaviour.Set(parsed, body);
            return Results.Ok(behaviour.View());
        });

        group.MapPost("/reset", (SimulatorState state, CallLog calls, SimulatorBehaviour behaviour) =>
        {
            state.Reset();
            calls.Clear();
            behaviour.SetAll(new BehaviourSettings());
            return Results.NoContent();
        });
    }

    private static bool TryParseSystem(string value, out SimulatedSystem system) =>
        Enum.TryParse(value, ignoreCase: true, out system) && Enum.IsDefined(system);
}
