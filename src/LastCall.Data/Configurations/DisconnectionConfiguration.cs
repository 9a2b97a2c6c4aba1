using LastCall.Domain.Numbers;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace LastCall.Data.Configurations;

internal sealed class DisconnectionConfiguration : IEntityTypeConfiguration<Disconnection>
{
    public void Configure(EntityTypeBuilder<Disconnection> b)
    {
        b.ToTable("disconnections");
        b.HasKey(d => d.Id);
        b.Property(d => d.Id).ValueGeneratedOnAdd();
        b.Property(d => d.Source).HasConversion<string>().HasMaxLength(16);
        // A number can be disconnected many times over the years, but only once per day.
        b.HasIndex(d => new { d.Msisdn, d.DisconnectedOn }).IsUnique();
    }
}
