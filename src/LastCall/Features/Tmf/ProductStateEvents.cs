using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using LastCall.Data;
using LastCall.Domain.Lines;
using LastCall.Domain.Partners;
using LastCall.Domain.Tmf;
using LastCall.Hosting;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace LastCall.Features.Tmf;

/// <summary>The TMF637 v5 <c>ProductStateChangeEvent</c> as posted to a listener's callback.</summary>
public sealed record TmfProductStateChangeEvent(string EventId, DateTimeOffset EventTime, DateTimeOffset TimeOcurred, TmfProductStateChangeEvent.Payload Event)
{
    /// <summary>The event's <c>event</c>: the product in its short form (no profiles, no party), with its new status.</summary>
    public sealed record Payload(TmfProduct Product);

    public string EventType => EventHub.ProductStateChangeEvent;

    [JsonPropertyName("@baseType")]
    public string BaseType => "Event";

    [JsonPropertyName("@type")]
    public string Type => EventHub.ProductStateChangeEvent;
}

/// <summary>
/// Publishes a <c>ProductStateChangeEvent</c> to every TMF637 listener whenever a save changes a line's product status
/// (active, suspended, pendingTerminate, terminated), whoever saves: a submission, a withdrawal, the execution's
/// disconnect step, a suspension, an import. Like the audited save it is a mechanism, a SaveChanges interceptor: the
/// events are <see cref="WebhookDelivery"/> rows added to the same save, so they commit or roll back with the change
/// and the webhook workers deliver them signed, with the engine's retries. A save that moves a line and back (or
/// between two statuses with one product status, such as suspended and barred) publishes nothing.
/// </summary>
public sealed class ProductStateEvents(PolicySettings policies, TimeProvider clock) : SaveChangesInterceptor
{
    public const string EventKeyPrefix = "tmf637:";

    public override async ValueTask<InterceptionResult<int>> SavingChangesAsync(DbContextEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
    {
        if (eventData.Context is AppDbContext db && Changes(db) is { Count: > 0 } changes)
            Publish(db, changes, await ListenersAsync(db, cancellationToken));
        return result;
    }

    public override InterceptionResult<int> SavingChanges(DbContextEventData eventData, InterceptionResult<int> result)
    {
        if (eventData.Context is AppDbContext db && Changes(db) is { Count: > 0 } changes)
            Publish(db, changes, [.. db.EventHubs.AsNoTracking().Select(h => h.PartnerId)]);
        return result;
    }

    /// <summary>The partners with a TMF637 listener registered; compiled once, as most saves that move a line ask it.</summary>
    private static async Task<List<Guid>> ListenersAsync(AppDbContext db, CancellationToken ct)
    {
        var listeners = new List<Guid>();
        await foreach (var partnerId in Listeners.For(db)(db).WithCancellation(ct))
            listeners.Add(partnerId);
        return listeners;
    }

    private static readonly CompiledQuery<Func<AppDbContext, IAsyncEnumerable<Guid>>> Listeners = new(() =>
        EF.CompileAsyncQuery((AppDbContext db) => db.EventHubs.AsNoTracking().Select(h => h.PartnerId)));

    /// <summary>The tracked lines whose product status this save changes. Only lines are looked at, not the whole context.</summary>
    private static List<Line> Changes(AppDbContext db)
    {
        var tracker = db.ChangeTracker;
        var detect = tracker.AutoDetectChangesEnabled;
        tracker.AutoDetectChangesEnabled = false;
        try
        {
            var changed = new List<Line>();
            foreach (var entry in tracker.Entries<Line>())
            {
                if (detect)
                    entry.DetectChanges();
                if (entry.State != EntityState.Modified)
                    continue;
                var status = entry.Property(l => l.Status);
                if (status.IsModified && ProductStatus.Of(status.OriginalValue) != ProductStatus.Of(status.CurrentValue))
                    changed.Add(entry.Entity);
            }
            return changed;
        }
        finally
        {
            tracker.AutoDetectChangesEnabled = detect;
        }
    }

    private void Publish(AppDbContext db, List<Line> changes, List<Guid> listeners)
    {
        if (listeners.Count == 0)
            return;
        var now = clock.GetUtcNow();
        // A save retried on the same context already holds its deliveries: the same key is never added twice.
        var tracker = db.ChangeTracker;
        var detect = tracker.AutoDetectChangesEnabled;
        tracker.AutoDetectChangesEnabled = false;
        HashSet<(Guid, string)> pending;
        try
        {
            pending = [.. tracker.Entries<WebhookDelivery>().Where(e => e.State == EntityState.Added).Select(e => (e.Entity.PartnerId, e.Entity.EventKey))];
        }
        finally
        {
            tracker.AutoDetectChangesEnabled = detect;
        }
        foreach (var line in changes)
        {
            var product = TmfViews.Product(line, owner: null, policies, withProfiles: false);
            var key = string.Create(CultureInfo.InvariantCulture, $"{EventKeyPrefix}{line.Id:N}:{product.Status}:{line.StatusChangedAt.UtcTicks}");
            var body = JsonSerializer.Serialize(new TmfProductStateChangeEvent(Guid.CreateVersion7(now).ToString(), now, line.StatusChangedAt, new(product)), TmfJson.Options);
            foreach (var partnerId in listeners)
            {
                if (!pending.Contains((partnerId, key)))
                    db.WebhookDeliveries.Add(WebhookDelivery.Create(partnerId, key, EventHub.ProductStateChangeEvent, body, now));
            }
        }
    }
}
