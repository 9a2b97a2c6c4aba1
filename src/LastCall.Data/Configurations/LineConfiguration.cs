using LastCall.Domain.Customers;
using LastCall.Domain.Lines;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace LastCall.Data.Configurations;

internal sealed class LineConfiguration : IEntityTypeConfiguration<Line>
{
    public void Configure(EntityTypeBuilder<Line> b)
    {
        b.ToTable("lines");
        b.HasKey(l => l.Id);
        // Ids are created in the domain (UUIDv7), so EF must treat unknown ones as new.
        b.Property(l => l.Id).ValueGeneratedNever();
        b.Property(l => l.Version).IsConcurrencyToken();
        b.Property(l => l.Plan).HasMaxLength(Line.MaxPlanLength);
        b.Property(l => l.BundleRole).HasConversion<string>().HasMaxLength(16);
        b.Property(l => l.PortState).HasConversion<string>().HasMaxLength(16);
        b.Property(l => l.Status).HasConversion<string>().HasMaxLength(24);
        b.Property(l => l.StatusBeforeCancellation).HasConversion<string>().HasMaxLength(24);
        b.Property(l => l.ServicePasswordHash).HasMaxLength(200);
        b.Property(l => l.TransferConsentHash).HasMaxLength(64);
        b.Property(l => l.PortAuthorizationHash).HasMaxLength(64);
        b.Ignore(l => l.HasEnded);
        // One live line per number; cancelled and ported-out lines stay as history once the number is reassigned or comes back.
        b.HasIndex(l => l.Msisdn).IsUnique().HasFilter("\"Status\" NOT IN ('Cancelled', 'PortedOut')");
        // Finding a number's line looks at cancelled ones too (its history), which the partial index above cannot
        // serve: without this one every such lookup read the whole table.
        b.HasIndex(l => l.Msisdn, "IX_lines_Msisdn_AnyStatus");
        b.HasIndex(l => l.CustomerId);
        // Only the lines of a bundle have a primary: most lines would be NULL entries that no query reads (and every import
        // would write).
        b.HasIndex(l => l.BundlePrimary).HasFilter("\"BundlePrimary\" IS NOT NULL");
        b.HasOne<Customer>().WithMany().HasForeignKey(l => l.CustomerId).OnDelete(DeleteBehavior.Restrict);
        b.HasMany(l => l.Profiles).WithOne().HasForeignKey(p => p.LineId).OnDelete(DeleteBehavior.Cascade);
        b.Navigation(l => l.Profiles).HasField("_profiles").UsePropertyAccessMode(PropertyAccessMode.Field).AutoInclude();
    }
}
