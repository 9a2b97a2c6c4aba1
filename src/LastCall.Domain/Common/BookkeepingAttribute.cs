namespace LastCall.Domain.Common;

/// <summary>
/// Marks a property of an aggregate whose changes are the machinery's own bookkeeping (who holds a lease, when to try
/// again, the concurrency version), not a change of state a customer, clerk or auditor would look for; on a class, the
/// whole aggregate is such bookkeeping (a sign-in throttle's counters). A save that changes only bookkeeping needs no
/// audit event; any other change of an aggregate does (the audited save).
/// </summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Class)]
public sealed class BookkeepingAttribute : Attribute;
