using LastCall.Domain.Cancellations;
using LastCall.Domain.Lines;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace LastCall.Data.Configurations;

internal sealed class CancellationRequestConfiguration : IEntityTypeConfiguration<CancellationRequest>
{
    public void Configure(EntityTypeBuilder<CancellationRequest> b)
    {
        b.ToTable("cancellation_requests");
        b.HasKey(r => r.Id);
        b.Property(r => r.Id).ValueGeneratedNever();
        b.Property(r => r.Version).IsConcurrencyToken();
        b.Property(r => r.Kind).HasConversion<string>().HasMaxLength(16);
        b.Property(r => r.RecipientOperator).HasMaxLength(CancellationRequest.MaxRecipientOperatorLength);
        b.Ignore(r => r.NeedsApprovalNotice);
        b.Property(r => r.Channel).HasConversion<string>().HasMaxLength(16);
        b.Property(r => r.Effective).HasConversion<string>().HasMaxLength(24);
        b.Property(r => r.Status).HasConversion<string>().HasMaxLength(24);
        b.Property(r => r.IdentityMethod).HasConversion<string>().HasMaxLength(24);
        b.Property(r => r.SubmittedBy).HasMaxLength(80);
        b.Property(r => r.VerifiedBy).HasMaxLength(80);
        b.Property(r => r.DecidedBy).HasMaxLength(80);
        b.Property(r => r.StoreId).HasMaxLength(32);
        b.Property(r => r.DocumentIds).HasConversion(new CommaSeparatedGuidsConverter(), new ListComparer<Guid>()).HasMaxLength(400);
        b.Property(r => r.ReviewReasons).HasConversion(new CommaSeparatedCodesConverter(), new ListComparer<string>()).HasMaxLength(200);
        b.Property(r => r.RejectionReason).HasMaxLength(CancellationRequest.MaxReasonLength);
        b.Ignore(r => r.NeedsReview);
        b.Ignore(r => r.IsFinal);
        b.Ignore(r => r.IsExecuting);
        // One live request per line: the database refuses a second even if two clerks race.
        b.HasIndex(r => r.LineId).IsUnique()
            .HasFilter("\"Status\" IN ('Submitted', 'UnderReview', 'Approved', 'Scheduled', 'Executing', 'WaitingForDependency', 'Failed')")
            .HasDatabaseName("ix_cancellation_requests_one_live_per_line");
        b.HasIndex(r => new { r.Status, r.SubmittedAt });
        // The workers' claim query: due requests whose lease is free.
        b.HasIndex(r => new { r.Status, r.EffectiveOn, r.NextAttemptAt });
        b.Property(r => r.LeaseOwner).HasMaxLength(80);
        b.Property(r => r.CertificateNumber).HasMaxLength(40);
        // 00-{32 hex}-{16 hex}-{2 hex}
        b.Property(r => r.TraceParent).HasMaxLength(55);
        b.HasIndex(r => r.Msisdn);
        b.HasIndex(r => r.CustomerId);
        b.HasOne<Line>().WithMany().HasForeignKey(r => r.LineId).OnDelete(DeleteBehavior.Restrict);
        b.OwnsMany(r => r.History, h =>
        {
            h.ToTable("cancellation_transitions");
            h.WithOwner().HasForeignKey("RequestId");
            h.HasKey(t => t.Id);
            h.Property(t => t.Id).ValueGeneratedOnAdd();
            h.Property(t => t.Status).HasConversion<string>().HasMaxLength(24);
            h.Property(t => t.By).HasMaxLength(80);
            h.Property(t => t.Reason).HasMaxLength(CancellationRequest.MaxReasonLength);
        });
        b.Navigation(r => r.History).HasField("_history").UsePropertyAccessMode(PropertyAccessMode.Field);
    }
}
