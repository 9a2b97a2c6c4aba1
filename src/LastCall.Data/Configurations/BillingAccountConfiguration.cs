using LastCall.Domain.Billing;
using LastCall.Domain.Lines;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace LastCall.Data.Configurations;

internal sealed class BillingAccountConfiguration : IEntityTypeConfiguration<BillingAccount>
{
    public void Configure(EntityTypeBuilder<BillingAccount> b)
    {
        b.ToTable("billing_accounts");
        b.HasKey(a => a.Id);
        // Ids are created in the domain (UUIDv7), so EF must treat unknown ones as new.
        b.Property(a => a.Id).ValueGeneratedNever();
        b.Property(a => a.Version).IsConcurrencyToken();
        b.Property(a => a.Currency).HasMaxLength(3).IsFixedLength();
        b.Ignore(a => a.BalanceMoney);
        b.Ignore(a => a.ArrearsMoney);
        b.HasIndex(a => a.LineId).IsUnique();
        b.HasOne<Line>().WithOne().HasForeignKey<BillingAccount>(a => a.LineId).OnDelete(DeleteBehavior.Cascade);
    }
}
