using LastCall.Domain.Documents;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace LastCall.Data.Configurations;

internal sealed class IdentityDocumentConfiguration : IEntityTypeConfiguration<IdentityDocument>
{
    public void Configure(EntityTypeBuilder<IdentityDocument> b)
    {
        b.ToTable("identity_documents");
        b.HasKey(d => d.Id);
        b.Property(d => d.Id).ValueGeneratedNever();
        b.Property(d => d.Kind).HasConversion<string>().HasMaxLength(8);
        b.Property(d => d.Sha256).HasMaxLength(64);
        b.Property(d => d.StorageName).HasMaxLength(64);
        b.Property(d => d.UploadedBy).HasMaxLength(80);
        b.Ignore(d => d.ContentType);
        b.HasIndex(d => d.CustomerId);
    }
}
