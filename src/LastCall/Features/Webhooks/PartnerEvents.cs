using System.Globalization;
using System.Text.Json;
using LastCall.Data;
using LastCall.Domain.Common;
using LastCall.Domain.Messaging;
using LastCall.Domain.Partners;
using Microsoft.EntityFrameworkCore;

namespace LastCall.Features.Webhooks;

/// <summary>
/// Writes what partners must hear about a disconnection, in the caller's unit of work (the disconnect
/// step's transaction): the <c>number.disconnected</c> outbox event, and for every partner holding a
/// binding on the number an <see cref="UnbindingRequest"/> with its <c>unbinding.requested</c> event,
/// plus one <see cref="WebhookDelivery"/> per (event, partner). The delivery rows are the
/// transactional outbox the worker drains: they commit or roll back with the disconnection (never
/// lost), and their unique (partner, event) key refuses a second copy (never duplicated), with no
/// dispatcher in between whose progress could be lost or repeated.
/// </summary>
public static class PartnerEvents
{
    public const string NumberDisconnected = "number.disconnected";
    public const string UnbindingRequested = "unbinding.requested";
    public const string NumberRecycling = "number.recycling";
    public const string NumberPortedOut = "number.ported_out";

    // Partners read these bodies as JSON, never as HTML: '+' in numbers stays '+'.
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>The disconnection's events; <paramref name="boundPartners"/> are the partners holding a binding on the number, each once.</summary>
    public static void AddDisconnection(AppDbContext db, Msisdn msisdn, Guid cancellationId, DateOnly disconnectedOn, DateTimeOffset now, IReadOnlyList<Guid> boundPartners)
    {
        var day = disconnectedOn.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        var disconnected = new { msisdn = msisdn.Value, disconnectedOn = day };
        var disconnectedKey = $"{NumberDisconnected}:{cancellationId:N}";
        db.OutboxEvents.Add(OutboxEvent.Create(NumberDisconnected, JsonSerializer.Serialize(disconnected, Json), disconnectedKey, now));

        foreach (var partnerId in boundPartners)
        {
            db.WebhookDeliveries.Add(WebhookDelivery.Create(partnerId, disconnectedKey, NumberDisconnected, Body(NumberDisconnected, now, disconnected), now));

            var request = UnbindingRequest.Create(partnerId, msisdn, cancellationId, now);
            db.UnbindingRequests.Add(request);
            var data = new { id = request.Id, msisdn = msisdn.Value, reason = "cancellation", cancellationId };
            var key = $"{UnbindingRequested}:{cancellationId:N}:{partnerId:N}";
            db.OutboxEvents.Add(OutboxEvent.Create(UnbindingRequested, JsonSerializer.Serialize(data, Json), key, now));
            db.WebhookDeliveries.Add(WebhookDelivery.Create(partnerId, key, UnbindingRequested, Body(UnbindingRequested, now, data), now));
        }
    }

    /// <summary>
    /// A port-out's hand-over: <c>number.ported_out</c> to every partner watching the number (<paramref name="watchers"/>,
    /// each once), and nothing else — the owner kept the number, so no partner is asked to unbind anything.
    /// </summary>
    public static void AddPortOut(AppDbContext db, Msisdn msisdn, Guid portOutId, DateOnly portedOutOn, string recipientOperator, DateTimeOffset now, IReadOnlyList<Guid> watchers)
    {
        var data = new { msisdn = msisdn.Value, portedOutOn = portedOutOn.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), recipientOperator };
        var key = $"{NumberPortedOut}:{portOutId:N}";
        db.OutboxEvents.Add(OutboxEvent.Create(NumberPortedOut, JsonSerializer.Serialize(data, Json), key, now));
        foreach (var partnerId in watchers)
            db.WebhookDeliveries.Add(WebhookDelivery.Create(partnerId, key, NumberPortedOut, Body(NumberPortedOut, now, data), now));
    }

    /// <summary>
    /// The new holder's request to drop the previous holder's accounts (<paramref name="asked"/>, added by the caller):
    /// an <see cref="UnbindingRequest"/> and its <c>unbinding.requested</c> event (<c>reason:"new_holder"</c>) for every
    /// partner that may hold such an account — every ordinary partner with a webhook endpoint (the apps that sign people
    /// in by SMS), and every partner with a binding on the number. Returns the partners' ids.
    /// </summary>
    public static async Task<IReadOnlyList<Guid>> AddPreviousHolderUnbindingAsync(AppDbContext db, PreviousHolderUnbinding asked, DateTimeOffset now, CancellationToken ct)
    {
        // Scopes are read and filtered here: a stored list is not compared in SQL (a few partners have endpoints).
        var endpoints = await db.WebhookEndpoints.AsNoTracking().Where(e => e.DisabledAt == null)
            .Join(db.Partners, e => e.PartnerId, p => p.Id, (e, p) => new { p.Id, p.Scopes }).ToListAsync(ct);
        var listening = endpoints.Where(p => p.Scopes.Count == 0).Select(p => p.Id);
        var binding = await db.Bindings.AsNoTracking().Where(b => b.Msisdn == asked.Msisdn).Select(b => b.PartnerId).ToListAsync(ct);
        var partners = listening.Concat(binding).Distinct().Order().ToList();
        var boundBefore = asked.BoundBefore.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        foreach (var partnerId in partners)
        {
            var request = UnbindingRequest.ForNewHolder(partnerId, asked, now);
            db.UnbindingRequests.Add(request);
            var data = new { id = request.Id, msisdn = asked.Msisdn.Value, reason = "new_holder", boundBefore };
            var key = $"{UnbindingRequested}:new-holder:{asked.Id:N}:{partnerId:N}";
            db.OutboxEvents.Add(OutboxEvent.Create(UnbindingRequested, JsonSerializer.Serialize(data, Json), key, now));
            db.WebhookDeliveries.Add(WebhookDelivery.Create(partnerId, key, UnbindingRequested, Body(UnbindingRequested, now, data), now));
        }
        return partners;
    }

    /// <summary>
    /// Before <paramref name="number"/>'s quarantine ends: a <see cref="RecyclingNotice"/> and its <c>number.recycling</c>
    /// event for every partner that watched the number or was asked to unbind it (whoever may still hold the previous
    /// holder's account). Returns the notices.
    /// </summary>
    public static async Task<IReadOnlyList<RecyclingNotice>> AddRecyclingNoticesAsync(AppDbContext db, Msisdn msisdn, DateOnly disconnectedOn, DateOnly availableFrom,
        DateTimeOffset now, DateTimeOffset acknowledgeBy, CancellationToken ct)
    {
        var watching = await db.Bindings.AsNoTracking().Where(b => b.Msisdn == msisdn).Select(b => b.PartnerId).ToListAsync(ct);
        var asked = await db.UnbindingRequests.AsNoTracking().Where(r => r.Msisdn == msisdn).Select(r => r.PartnerId).ToListAsync(ct);
        // A partner already told about this quarantine (the same end recorded again, e.g. by a re-import) is not told twice.
        var told = await db.RecyclingNotices.AsNoTracking().Where(n => n.Msisdn == msisdn && n.AvailableFrom == availableFrom).Select(n => n.PartnerId).ToListAsync(ct);
        var notices = new List<RecyclingNotice>();
        foreach (var partnerId in watching.Concat(asked).Distinct().Except(told).Order())
        {
            var notice = RecyclingNotice.Create(partnerId, msisdn, disconnectedOn, availableFrom, now, acknowledgeBy);
            db.RecyclingNotices.Add(notice);
            var data = new
            {
                id = notice.Id, msisdn = msisdn.Value,
                disconnectedOn = disconnectedOn.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
                availableFrom = availableFrom.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            };
            var key = $"{NumberRecycling}:{notice.Id:N}";
            db.OutboxEvents.Add(OutboxEvent.Create(NumberRecycling, JsonSerializer.Serialize(data, Json), key, now));
            db.WebhookDeliveries.Add(WebhookDelivery.Create(partnerId, key, NumberRecycling, Body(NumberRecycling, now, data), now));
            notices.Add(notice);
        }
        return notices;
    }

    /// <summary>The Standard Webhooks payload: <c>{type, timestamp, data}</c>.</summary>
    public static string Body(string type, DateTimeOffset at, object data) =>
        JsonSerializer.Serialize(new { type, timestamp = at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture), data }, Json);
}
