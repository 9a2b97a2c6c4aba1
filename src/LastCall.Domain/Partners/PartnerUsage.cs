namespace LastCall.Domain.Partners;

/// <summary>Lookups a partner made on one day (UTC), the basis of billing partners.</summary>
public sealed class PartnerUsage
{
    private PartnerUsage()
    {
    }

    public Guid PartnerId { get; private set; }

    public DateOnly Day { get; private set; }

    public long Queries { get; private set; }

    public long Requests { get; private set; }
}
