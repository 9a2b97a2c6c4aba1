using LastCall.Domain.Audit;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace LastCall.Data.Configurations;

internal sealed class AuditEventConfiguration : IEntityTypeConfiguration<AuditEvent>
{
    public void Configure(EntityTypeBuilder<AuditEvent> b)
    {
        b.ToTable("audit_events");
        // Rows are inserted unsealed with the changes they describe (the database numbers them) and sealed later:
        // the chain position is assigned by the one writer that seals, never generated.
        b.HasKey(e => e.Id);
        b.Property(e => e.Id).ValueGeneratedOnAdd();
        b.Property(e => e.Sequence).ValueGeneratedNever();
        b.HasIndex(e => e.Sequence).IsUnique();
        // The sealer's queue: only the few rows not yet sealed are in this index.
        b.HasIndex(e => e.Id, "IX_audit_events_unsealed").HasFilter("\"Sequence\" IS NULL");
        b.Property(e => e.ActorType).HasConversion<string>().HasMaxLength(16);
        b.Property(e => e.ActorId).HasMaxLength(64);
        b.Property(e => e.ActorName).HasMaxLength(100);
        b.Property(e => e.Action).HasMaxLength(64);
        b.Property(e => e.Channel).HasMaxLength(32);
        b.Property(e => e.StoreId).HasMaxLength(32);
        b.Property(e => e.ClientAddress).HasMaxLength(64);
        b.Property(e => e.Subject).HasMaxLength(128);
        b.Property(e => e.PreviousHash).HasMaxLength(64);
        b.Property(e => e.Hash).HasMaxLength(64);
        b.HasIndex(e => new { e.Subject, e.Id });
    }
}
