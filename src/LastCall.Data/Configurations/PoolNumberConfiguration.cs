using LastCall.Domain.Numbers;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace LastCall.Data.Configurations;

internal sealed class PoolNumberConfiguration : IEntityTypeConfiguration<PoolNumber>
{
    public void Configure(EntityTypeBuilder<PoolNumber> b)
    {
        b.ToTable("pool_numbers");
        b.HasKey(n => n.Msisdn);
        b.Property(n => n.Version).IsConcurrencyToken();
        b.Property(n => n.State).HasConversion<string>().HasMaxLength(16);
        b.Property(n => n.Category).HasMaxLength(PoolNumber.MaxCategoryLength).HasDefaultValue(PoolNumber.StandardCategory);
        // The aging job looks for quarantined numbers whose date has come.
        b.HasIndex(n => new { n.State, n.QuarantinedUntil });
        // Every instance follows the ported-out numbers (the lookups' no_data); only those rows are in this index.
        b.HasIndex(n => n.StateChangedAt, "IX_pool_numbers_PortedOut").HasFilter("\"State\" = 'PortedOut'");
    }
}
