using System.Security.Claims;
using LastCall.Auditing;
using LastCall.Data;
using LastCall.Domain.Cancellations;
using LastCall.Domain.Common;
using LastCall.Features.Execution;
using LastCall.Features.Lookup;
using LastCall.Hosting;
using LastCall.Integrations.Messaging;
using LastCall.Security;
using LastCall.Web;
using LastCall.Web.OpenApi;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace LastCall.Features.Porting;

/// <summary>
/// POST /api/v1/porting/port-outs (porting client): the port-out itself, with the owner's authorization code, which it
/// uses up. Refused with every blocker (422 <c>not_eligible</c>) like the check; otherwise approved at once (the code is
/// the owner's consent) and run at <c>portAt</c> (at once when left out) by the execution worker, and the owner is told.
/// </summary>
public sealed class SubmitPortOut(AppDbContext db, ServedNumbers served, AuditTrail audit, IMessageSender sender, ExecutionSignal execution,
    PortingSettings settings, PolicySettings policies, TimeProvider clock, ILogger<SubmitPortOut> logger)
{
    public sealed record Request(string? Msisdn, string? AuthorizationCode, string? RecipientOperator, DateTimeOffset? PortAt);

    public static void Map(RouteGroupBuilder porting) =>
        porting.MapPost("/port-outs", async Task<Outcome<Created<PortOuts.View>>> (Request request, SubmitPortOut submit, HttpContext http, CancellationToken ct) =>
            {
                var submitted = await submit.HandleAsync(http.User, request, ct);
                return submitted.IsSuccess ? TypedResults.Created($"/api/v1/porting/port-outs/{submitted.Value.Id}", submitted.Value) : submitted.Error!;
            })
            .RequireAuthorization(Policies.Porting)
            .Fails(ErrorKind.Validation, ErrorKind.NotFound, ErrorKind.Conflict, ErrorKind.NotEligible)
            .WithSummary("As a recipient operator, port a number out with the owner's authorization code; it runs as durable steps and ends with the line ported_out.");

    public async Task<Result<PortOuts.View>> HandleAsync(ClaimsPrincipal client, Request request, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(request.AuthorizationCode))
            return Fail.Validation("authorizationCode", "validation_failed", "Give the authorizationCode the owner received by SMS.");
        var loaded = await PortOuts.LoadAsync(db, served, request.Msisdn, ct);
        if (!loaded.IsSuccess)
            return loaded.Error!;
        var (line, owner, account, lastPortedOn) = loaded.Value;

        var now = clock.GetUtcNow();
        var today = policies.Today(now);
        var submitter = CurrentActor.Describe(client);
        var authorized = line.CheckPortAuthorization(ConsentCodes.Hash(request.AuthorizationCode), now);
        var blockers = PortOutEligibility.Blockers(line, owner, account, authorized, identityMatches: null, lastPortedOn, settings.MinDaysBetweenPorts, today);
        if (blockers.Count > 0)
        {
            audit.Record("port_out.refused", line.Msisdn.Masked(), after: new { client = submitter, blockers = blockers.Select(b => b.Code) });
            await db.SaveChangesAsync(ct);
            return Fail.NotEligible("The number cannot be ported out now: see blockers.", new Ineligibility(blockers));
        }

        var submitted = CancellationRequest.SubmitPortOut(line.Id, line.Msisdn, owner.Id, request.RecipientOperator, request.PortAt, submitter, today, now);
        if (!submitted.IsSuccess)
            return Fail.Validation(submitted.Error!.Code == "invalid_port_at" ? "portAt" : "recipientOperator", submitted.Error.Code, submitted.Error.Message);
        var portOut = submitted.Value;
        portOut.RecordTraceParent(System.Diagnostics.Activity.Current?.Id);
        if (line.BeginCancellation(now) is { IsSuccess: false } begun)
            return begun.Error!;
        // Single use: whatever happens to this port-out, the code cannot start another.
        line.VoidPortAuthorization();
        db.CancellationRequests.Add(portOut);
        audit.Record("port_out.requested", line.Msisdn.Masked(), after: new
        {
            portOut.Id, client = submitter, recipientOperator = portOut.RecipientOperator, portAt = portOut.PortAt, status = CancellationRequest.Describe(portOut.Status),
        });
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException)
        {
            // Another request for this line won the race (concurrency token on the line, one live request per line).
            return Fail.Conflict("conflict", "Another request for this line was made at the same moment; check the number again.");
        }
        if (portOut.PortAt is null)
            execution.Notify();

        try
        {
            await sender.SendAsync(MessageTexts.Sms("port_out_requested", line.Msisdn.Value, owner.PreferredLanguage, line.Msisdn.Masked(), portOut.RecipientOperator!), ct);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // The port-out stands; the owner asked for it by giving the code away. The notice is a courtesy.
            logger.LogWarning(e, "Port-out {Id}: the owner's notice could not be sent", portOut.Id);
        }
        return PortOuts.ToView(portOut, []);
    }
}
