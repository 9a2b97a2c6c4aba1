namespace LastCall.Domain.Common;

/// <summary>
/// An aggregate whose state changes only through its own methods. <see cref="Version"/> is the
/// optimistic concurrency token: the persistence layer bumps it on every save of a modified aggregate.
/// </summary>
public abstract class AggregateRoot
{
    [Bookkeeping]
    public int Version { get; private set; }

    public void IncrementVersion() => Version++;
}
