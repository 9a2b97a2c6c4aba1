using LastCall.Domain.Customers;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace LastCall.Data.Configurations;

internal sealed class CustomerConfiguration : IEntityTypeConfiguration<Customer>
{
    public void Configure(EntityTypeBuilder<Customer> b)
    {
        b.ToTable("customers");
        b.HasKey(c => c.Id);
        // Ids are created in the domain (UUIDv7), so EF must treat unknown ones as new.
        b.Property(c => c.Id).ValueGeneratedNever();
        b.Property(c => c.Version).IsConcurrencyToken();
        b.Property(c => c.Name).HasMaxLength(Customer.MaxNameLength);
        b.Property(c => c.IdType).HasConversion<string>().HasMaxLength(32);
        b.Property(c => c.IdNumberCiphertext).HasMaxLength(200);
        b.Property(c => c.IdNumberBlindIndex).HasMaxLength(64);
        b.Property(c => c.IdNumberMasked).HasMaxLength(40);
        b.Property(c => c.PreferredLanguage).HasMaxLength(8);
        b.Property(c => c.Email).HasMaxLength(254);
        b.Property(c => c.SecurityStamp).HasMaxLength(32);
        b.Ignore(c => c.IdNumber);
        // One real-name record per document: the blind index is how imports and transfers find it.
        b.HasIndex(c => c.IdNumberBlindIndex).IsUnique();
    }
}
