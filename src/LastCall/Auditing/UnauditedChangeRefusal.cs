using System.Collections.Concurrent;
using System.Reflection;
using LastCall.Domain.Audit;
using LastCall.Domain.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.EntityFrameworkCore.Metadata;

namespace LastCall.Auditing;

/// <summary>
/// Makes "every state change is in the audit log" a mechanism rather than a rule in a comment: a save that adds,
/// changes or removes an aggregate (a line, a customer, a request, a number, a staff account, a partner…) and records
/// no audit event in the same save is refused before anything is written. <see cref="AuditTrail.Record"/> adds its
/// events to the context, so a handler that records what it did passes; one that forgets fails its first test.
/// Changes to <see cref="BookkeepingAttribute"/> properties alone (leases, retry times, versions) need no event.
/// Registered on every context the host and the command-line verbs create; test fixtures that seed data straight
/// into a database do not go through it.
/// </summary>
public sealed class UnauditedChangeRefusal : SaveChangesInterceptor
{
    private static readonly ConcurrentDictionary<IProperty, bool> BookkeepingProperties = new();

    private static readonly ConcurrentDictionary<Type, bool> BookkeepingTypes = new();

    public override InterceptionResult<int> SavingChanges(DbContextEventData eventData, InterceptionResult<int> result)
    {
        Check(eventData.Context);
        return result;
    }

    public override ValueTask<InterceptionResult<int>> SavingChangesAsync(DbContextEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
    {
        Check(eventData.Context);
        return ValueTask.FromResult(result);
    }

    private static void Check(DbContext? context)
    {
        if (context is null)
            return;
        // Most saves record an event: find it without detecting changes (the save detects them itself next). Only a save
        // without one looks closer, at its aggregates alone, each detected on its own.
        var tracker = context.ChangeTracker;
        var detect = tracker.AutoDetectChangesEnabled;
        tracker.AutoDetectChangesEnabled = false;
        try
        {
            if (tracker.Entries<AuditEvent>().Any(e => e.State == EntityState.Added))
                return;
            foreach (var entry in tracker.Entries<AggregateRoot>())
            {
                if (IsBookkeeping(entry.Metadata.ClrType))
                    continue;
                if (detect)
                    entry.DetectChanges();
                if (entry.State is EntityState.Added or EntityState.Deleted || (entry.State == EntityState.Modified && ChangesState(entry)))
                    throw new UnauditedChangeException($"{entry.Metadata.ClrType.Name} ({entry.State})");
            }
        }
        finally
        {
            tracker.AutoDetectChangesEnabled = detect;
        }
    }

    private static bool ChangesState(EntityEntry entry) => entry.Properties.Any(p => p.IsModified && !IsBookkeeping(p.Metadata));

    private static bool IsBookkeeping(IProperty property) =>
        BookkeepingProperties.GetOrAdd(property, p => p.PropertyInfo?.GetCustomAttribute<BookkeepingAttribute>() is not null);

    private static bool IsBookkeeping(Type type) =>
        BookkeepingTypes.GetOrAdd(type, t => t.GetCustomAttribute<BookkeepingAttribute>() is not null);
}

/// <summary>A save changed an aggregate without recording an audit event: a defect in the handler, never the user's error.</summary>
public sealed class UnauditedChangeException(string change)
    : InvalidOperationException($"A save changes {change} but records no audit event; record what changed with AuditTrail.Record before saving.");
