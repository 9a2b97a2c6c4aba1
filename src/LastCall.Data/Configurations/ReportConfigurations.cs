using System.Text.Json;
using LastCall.Domain.Reports;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace LastCall.Data.Configurations;

internal sealed class DisconnectionReportConfiguration : IEntityTypeConfiguration<DisconnectionReport>
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public void Configure(EntityTypeBuilder<DisconnectionReport> b)
    {
        b.ToTable("disconnection_reports");
        b.HasKey(r => r.Id);
        b.Property(r => r.Id).ValueGeneratedNever();
        b.Property(r => r.Period).HasMaxLength(7);
        b.Property(r => r.Profile).HasConversion<string>().HasMaxLength(16);
        b.Property(r => r.Format).HasConversion<string>().HasMaxLength(8);
        b.Property(r => r.Sha256).HasMaxLength(64);
        b.Property(r => r.CreatedBy).HasMaxLength(200);
        b.Property(r => r.Version).IsConcurrencyToken();
        // The files as filed (name, rows, hash, size): a few per report, always read with it.
        b.Property(r => r.Files).HasConversion(
            files => JsonSerializer.Serialize(files, Json),
            text => JsonSerializer.Deserialize<List<ReportFile>>(text, Json) ?? new List<ReportFile>(),
            new ValueComparer<IReadOnlyList<ReportFile>>((a, c) => a!.SequenceEqual(c!), files => files.Aggregate(0, (h, f) => HashCode.Combine(h, f)), files => files.ToList()));
        // A month is filed once per profile (409 already_filed), whatever the format.
        b.HasIndex(r => new { r.Period, r.Profile }).IsUnique();
        b.HasIndex(r => r.CreatedAt);
    }
}

internal sealed class ReportFilingConfiguration : IEntityTypeConfiguration<ReportFiling>
{
    public void Configure(EntityTypeBuilder<ReportFiling> b)
    {
        b.ToTable("report_filings");
        // Exactly once: an entry can be filed in one report per profile.
        b.HasKey(f => new { f.Profile, f.DisconnectionId });
        b.Property(f => f.Profile).HasConversion<string>().HasMaxLength(16);
        b.HasOne<DisconnectionReport>().WithMany().HasForeignKey(f => f.ReportId).OnDelete(DeleteBehavior.Restrict);
        // No foreign key to the register: its entries are never deleted, and filing 10 M rows should not maintain a second index.
        b.HasIndex(f => f.ReportId);
    }
}
