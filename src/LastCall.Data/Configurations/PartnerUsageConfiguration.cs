using LastCall.Domain.Identity;
using LastCall.Domain.Partners;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace LastCall.Data.Configurations;

internal sealed class PartnerUsageConfiguration : IEntityTypeConfiguration<PartnerUsage>
{
    public void Configure(EntityTypeBuilder<PartnerUsage> b)
    {
        b.ToTable("partner_usage");
        // Counters are added to with an upsert per (partner, day), never read-modify-written.
        b.HasKey(u => new { u.PartnerId, u.Day });
        b.HasOne<Partner>().WithMany().HasForeignKey(u => u.PartnerId).OnDelete(DeleteBehavior.Cascade);
    }
}
