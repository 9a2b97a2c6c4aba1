using System.Text.Json.Serialization;
using LastCall.Auditing;
using LastCall.Data;
using LastCall.Domain.Common;
using LastCall.Domain.Partners;
using LastCall.Domain.Tmf;
using LastCall.Features.Webhooks;
using LastCall.Hosting;
using LastCall.Security;
using LastCall.Web;
using Microsoft.EntityFrameworkCore;

namespace LastCall.Features.Tmf;

/// <summary>The TMF630 <c>Hub</c>: a listener registration. <c>secret</c> (Standard Webhooks, <c>whsec_…</c>) is shown in the answer to the registration only.</summary>
public sealed record TmfHub(string Id, string Callback, string Query, [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Secret)
{
    [JsonPropertyName("@type")]
    public string Type => "Hub";
}

/// <summary>
/// TMF637 v5 <c>POST /tmf-api/productInventory/v5/hub</c> <c>{callback, query}</c> → 201 <c>Hub</c>: the BSS client
/// listens for <c>ProductStateChangeEvent</c>s. The callback becomes the client's webhook endpoint with a new signing
/// secret (in the answer, once), so events are delivered by the signed webhook engine: Standard Webhooks headers,
/// retries for about three days, 410 disables. The callback is checked like every webhook URL (https, public; 400
/// <c>invalid_webhook_url</c>, 422 <c>webhook_url_not_allowed</c>). One listener per client: 409 <c>hub_exists</c>
/// until it is deleted.
/// </summary>
public sealed class RegisterListener(WebhookUrlGuard guard, WebhookSecrets secrets, AuditTrail audit, AppDbContext db, TimeProvider clock)
{
    public sealed record HubInput(string? Callback, string? Query);

    public static void Map(RouteGroupBuilder tmf) =>
        tmf.MapPost("/productInventory/v5/hub", async (HubInput? body, RegisterListener register, PolicySettings policies, HttpContext http, CancellationToken ct) =>
            {
                var registered = await register.HandleAsync(http.User.SubjectId(), body, ct);
                if (registered.IsSuccess)
                    http.Response.Headers.Location = TmfViews.Href(policies, TmfViews.HubPath, registered.Value.Id);
                return registered.ToTmf(policies, StatusCodes.Status201Created);
            })
            .WithSummary("TMF637 v5: register a listener for ProductStateChangeEvent (signed webhooks; the secret is shown once).")
            .Accepts<HubInput>("application/json")
            .Produces<TmfHub>(StatusCodes.Status201Created)
            .Produces<TmfError>(StatusCodes.Status400BadRequest)
            .Produces<TmfError>(StatusCodes.Status409Conflict)
            .Produces<TmfError>(StatusCodes.Status422UnprocessableEntity);

    /// <summary>The listener of <paramref name="partnerId"/>, with its callback as the client's webhook endpoint and a new secret, shown once.</summary>
    public async Task<Result<TmfHub>> HandleAsync(Guid partnerId, HubInput? body, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var hub = EventHub.Register(partnerId, body?.Query, now);
        if (!hub.IsSuccess)
            return Fail.Validation("query", hub.Error!.Code, hub.Error.Message);
        var callback = await guard.CheckAsync(body?.Callback, ct);
        if (!callback.IsSuccess)
        {
            return callback.Error!.Code == WebhookUrlGuard.NotAllowed
                ? Fail.Unprocessable(callback.Error.Code, callback.Error.Message)
                : Fail.Validation("callback", callback.Error.Code, callback.Error.Message);
        }
        if (await db.EventHubs.AnyAsync(h => h.PartnerId == partnerId, ct))
            return HubExists();

        var url = callback.Value.AbsoluteUri;
        var secret = WebhookSecrets.Create();
        var endpoint = await db.WebhookEndpoints.FirstOrDefaultAsync(e => e.PartnerId == partnerId, ct);
        if (endpoint is null)
            db.WebhookEndpoints.Add(WebhookEndpoint.Create(partnerId, url, secrets.Protect(partnerId, secret), now));
        else
            endpoint.Replace(url, secrets.Protect(partnerId, secret), now);
        db.EventHubs.Add(hub.Value);
        audit.Record("tmf.hub_registered", partnerId.ToString(), after: new { hub.Value.Id, callback = url, hub.Value.Query, secretRotated = true });
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException)
        {
            // Another registration of this client won the race (one listener per client); nothing of this one stays pending.
            db.ChangeTracker.Clear();
            return HubExists();
        }
        return new TmfHub(hub.Value.Id.ToString(), url, hub.Value.Query, secret);
    }

    private static DomainError HubExists() =>
        Fail.Conflict("hub_exists", "This client has a listener; DELETE it before registering another.");
}
