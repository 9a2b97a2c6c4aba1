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
        string? unaudited = null;
        // Entries() detects changes first (when the context detects automatically), so edits made in place count.
        foreach (var entry in context.ChangeTracker.Entries())
        {
            if (entry.State is not (EntityState.Added or EntityState.Modified or EntityState.Deleted))
                continue;
            if (entry.Entity is AuditEvent && entry.State == EntityState.Added)
                return;
            if (unaudited is null && entry.Entity is AggregateRoot && !IsBookkeeping(entry.Metadata.ClrType) && ChangesState(entry))
                unaudited = $"{entry.Metadata.ClrType.Name} ({entry.State})";
        }
        if (unaudited is not null)
            throw new UnauditedChangeException(unaudited);
    }

    private static bool ChangesState(EntityEntry entry) =>
        entry.State != EntityState.Modified || entry.Properties.Any(p => p.IsModified && !IsBookkeeping(p.Metadata));

    private static bool IsBookkeeping(IProperty property) =>
        BookkeepingProperties.GetOrAdd(property, p => p.PropertyInfo?.GetCustomAttribute<BookkeepingAttribute>() is not null);

    private static bool IsBookkeeping(Type type) =>
        BookkeepingTypes.GetOrAdd(type, t => t.GetCustomAttribute<BookkeepingAttribute>() is not null);
}

/// <summary>A save changed an aggregate without recording an audit event: a defect in the handler, never the user's error.</summary>
public sealed class UnauditedChangeException(string change)
    : InvalidOperationException($"A save changes {change} but records no audit event; record what changed with AuditTrail.Record before saving.");
