using LastCall.Domain.Common;

namespace LastCall.Domain.Partners;

/// <summary>Where a binding comes from. Partners add theirs through the watch list.</summary>
public enum BindingSource
{
    Watchlist,
}

/// <summary>
/// "Partner P holds number N": the partner is told when N is disconnected (<c>number.disconnected</c>)
/// and asked to unbind it when its owner cancels (<c>unbinding.requested</c>). A partner binds a
/// number once per source; acknowledging the unbinding request ends the binding.
/// </summary>
public sealed class Binding
{
    private Binding() => Msisdn = null!;

    public Guid Id { get; private set; }

    public Guid PartnerId { get; private set; }

    public Msisdn Msisdn { get; private set; }

    public BindingSource Source { get; private set; }

    public DateTimeOffset CreatedAt { get; private set; }

    public static Binding Watch(Guid partnerId, Msisdn msisdn, DateTimeOffset now) =>
        new() { Id = Guid.CreateVersion7(now), PartnerId = partnerId, Msisdn = msisdn, Source = BindingSource.Watchlist, CreatedAt = now };
}
