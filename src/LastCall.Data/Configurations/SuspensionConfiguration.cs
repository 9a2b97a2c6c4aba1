using LastCall.Domain.Lines;
using LastCall.Domain.Suspensions;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace LastCall.Data.Configurations;

internal sealed class SuspensionConfiguration : IEntityTypeConfiguration<Suspension>
{
    public void Configure(EntityTypeBuilder<Suspension> b)
    {
        b.ToTable("suspensions");
        b.HasKey(s => s.Id);
        b.Property(s => s.Id).ValueGeneratedNever();
        b.Property(s => s.Version).IsConcurrencyToken();
        b.Property(s => s.MonthlyFee).HasPrecision(18, 2);
        b.Property(s => s.Currency).HasMaxLength(3);
        b.Property(s => s.StartedBy).HasMaxLength(80);
        b.Property(s => s.EndedBy).HasMaxLength(80);
        b.Ignore(s => s.IsRunning);
        // At most one running suspension per line.
        b.HasIndex(s => s.LineId).IsUnique().HasFilter("\"EndedAt\" IS NULL").HasDatabaseName("ix_suspensions_one_running_per_line");
        b.HasIndex(s => s.LatestEndOn);
        b.HasOne<Line>().WithMany().HasForeignKey(s => s.LineId).OnDelete(DeleteBehavior.Restrict);
    }
}
