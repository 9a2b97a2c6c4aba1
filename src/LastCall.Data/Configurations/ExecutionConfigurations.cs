using LastCall.Domain.Cancellations;
using LastCall.Domain.Messaging;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace LastCall.Data.Configurations;

internal sealed class ExecutionStepConfiguration : IEntityTypeConfiguration<ExecutionStep>
{
    public void Configure(EntityTypeBuilder<ExecutionStep> b)
    {
        b.ToTable("execution_steps");
        b.HasKey(s => s.Id);
        b.Property(s => s.Id).ValueGeneratedOnAdd();
        b.Property(s => s.Name).HasConversion<string>().HasMaxLength(24);
        b.Property(s => s.Status).HasConversion<string>().HasMaxLength(16);
        b.Property(s => s.LastError).HasMaxLength(ExecutionStep.MaxErrorLength);
        b.Property(s => s.Outcome).HasMaxLength(4000);
        // A request has each step once, even if two workers ever planned it at the same time.
        b.HasIndex(s => new { s.RequestId, s.Name }).IsUnique();
        b.HasOne<CancellationRequest>().WithMany().HasForeignKey(s => s.RequestId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class CertificateConfiguration : IEntityTypeConfiguration<Certificate>
{
    public void Configure(EntityTypeBuilder<Certificate> b)
    {
        b.ToTable("certificates");
        b.HasKey(c => c.Number);
        b.Property(c => c.Number).HasMaxLength(40);
        b.Property(c => c.CanonicalData).HasMaxLength(4000);
        b.Property(c => c.Signature).HasMaxLength(200);
        b.Property(c => c.KeyId).HasMaxLength(40);
        // One certificate per request.
        b.HasIndex(c => c.RequestId).IsUnique();
        b.HasOne<CancellationRequest>().WithMany().HasForeignKey(c => c.RequestId).OnDelete(DeleteBehavior.Restrict);
    }
}

internal sealed class OutboxEventConfiguration : IEntityTypeConfiguration<OutboxEvent>
{
    public void Configure(EntityTypeBuilder<OutboxEvent> b)
    {
        b.ToTable("outbox_events");
        b.HasKey(e => e.Id);
        b.Property(e => e.Id).ValueGeneratedOnAdd();
        b.Property(e => e.Type).HasMaxLength(64);
        b.Property(e => e.Payload).HasMaxLength(4000);
        b.Property(e => e.DeduplicationKey).HasMaxLength(120);
        b.HasIndex(e => e.DeduplicationKey).IsUnique();
    }
}
