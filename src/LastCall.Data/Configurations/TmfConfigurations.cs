using LastCall.Domain.Cancellations;
using LastCall.Domain.Identity;
using LastCall.Domain.Lines;
using LastCall.Domain.Tmf;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace LastCall.Data.Configurations;

internal sealed class ProductOrderConfiguration : IEntityTypeConfiguration<ProductOrder>
{
    public void Configure(EntityTypeBuilder<ProductOrder> b)
    {
        b.ToTable("tmf_product_orders");
        b.HasKey(o => o.Id);
        b.Property(o => o.Id).ValueGeneratedNever();
        b.Property(o => o.ItemId).HasMaxLength(ProductOrder.MaxItemIdLength);
        b.Property(o => o.Description).HasMaxLength(ProductOrder.MaxDescriptionLength);
        b.Property(o => o.ExternalIds).HasMaxLength(ProductOrder.MaxExternalIdsLength);
        // The order is the BSS's view of one cancellation request and shares its id.
        b.HasOne<CancellationRequest>().WithOne().HasForeignKey<ProductOrder>(o => o.Id).OnDelete(DeleteBehavior.Restrict);
        b.HasOne<Partner>().WithMany().HasForeignKey(o => o.PartnerId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne<Line>().WithMany().HasForeignKey(o => o.LineId).OnDelete(DeleteBehavior.Restrict);
        b.HasIndex(o => new { o.PartnerId, o.CreatedAt });
        b.HasIndex(o => o.LineId);
    }
}

internal sealed class EventHubConfiguration : IEntityTypeConfiguration<EventHub>
{
    public void Configure(EntityTypeBuilder<EventHub> b)
    {
        b.ToTable("tmf_event_hubs");
        b.HasKey(h => h.Id);
        b.Property(h => h.Id).ValueGeneratedNever();
        b.Property(h => h.Query).HasMaxLength(EventHub.MaxQueryLength);
        // One listener per BSS client, even when two registrations race.
        b.HasIndex(h => h.PartnerId).IsUnique();
        b.HasOne<Partner>().WithMany().HasForeignKey(h => h.PartnerId).OnDelete(DeleteBehavior.Cascade);
    }
}
