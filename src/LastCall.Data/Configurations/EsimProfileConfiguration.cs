using LastCall.Domain.Lines;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace LastCall.Data.Configurations;

internal sealed class EsimProfileConfiguration : IEntityTypeConfiguration<EsimProfile>
{
    public void Configure(EntityTypeBuilder<EsimProfile> b)
    {
        b.ToTable("esim_profiles");
        b.HasKey(p => p.Id);
        // Ids are created in the domain (UUIDv7), so EF must treat unknown ones as new.
        b.Property(p => p.Id).ValueGeneratedNever();
        b.Property(p => p.Role).HasConversion<string>().HasMaxLength(16);
        b.Property(p => p.State).HasConversion<string>().HasMaxLength(16);
        b.Property(p => p.DeviceLabel).HasMaxLength(EsimProfile.MaxDeviceLabelLength);
        // An ICCID is never reused, so it is unique across all lines, past and present.
        b.HasIndex(p => p.Iccid).IsUnique();
    }
}
