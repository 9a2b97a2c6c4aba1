using LastCall.Domain.Cancellations;
using LastCall.Domain.Identity;
using LastCall.Domain.Lines;
using LastCall.Domain.Partners;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace LastCall.Data.Configurations;

internal sealed class BindingConfiguration : IEntityTypeConfiguration<Binding>
{
    public void Configure(EntityTypeBuilder<Binding> b)
    {
        b.ToTable("bindings");
        b.HasKey(x => x.Id);
        b.Property(x => x.Id).ValueGeneratedNever();
        b.Property(x => x.Source).HasConversion<string>().HasMaxLength(16);
        // A partner binds a number once per source, even when two PUTs race.
        b.HasIndex(x => new { x.PartnerId, x.Msisdn, x.Source }).IsUnique();
        // The disconnection's fan-out: who holds this number?
        b.HasIndex(x => x.Msisdn);
        b.HasOne<Partner>().WithMany().HasForeignKey(x => x.PartnerId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class UnbindingRequestConfiguration : IEntityTypeConfiguration<UnbindingRequest>
{
    public void Configure(EntityTypeBuilder<UnbindingRequest> b)
    {
        b.ToTable("unbinding_requests");
        b.HasKey(x => x.Id);
        b.Property(x => x.Id).ValueGeneratedNever();
        b.Property(x => x.Version).IsConcurrencyToken();
        b.Property(x => x.Reason).HasConversion<string>().HasMaxLength(16);
        // One request per partner and cancellation, and per partner and new holder's request.
        b.HasIndex(x => new { x.CancellationId, x.PartnerId }).IsUnique();
        b.HasIndex(x => new { x.PreviousHolderUnbindingId, x.PartnerId }).IsUnique();
        b.HasIndex(x => new { x.PartnerId, x.RequestedAt });
        // Recycling notices: who was ever asked to unbind this number?
        b.HasIndex(x => x.Msisdn);
        b.HasOne<Partner>().WithMany().HasForeignKey(x => x.PartnerId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne<CancellationRequest>().WithMany().HasForeignKey(x => x.CancellationId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne<PreviousHolderUnbinding>().WithMany().HasForeignKey(x => x.PreviousHolderUnbindingId).OnDelete(DeleteBehavior.Restrict);
    }
}

internal sealed class PreviousHolderUnbindingConfiguration : IEntityTypeConfiguration<PreviousHolderUnbinding>
{
    public void Configure(EntityTypeBuilder<PreviousHolderUnbinding> b)
    {
        b.ToTable("previous_holder_unbindings");
        b.HasKey(x => x.Id);
        b.Property(x => x.Id).ValueGeneratedNever();
        b.Property(x => x.Version).IsConcurrencyToken();
        // One per line: asking again answers the first request, even when two requests race.
        b.HasIndex(x => x.LineId).IsUnique();
        b.HasOne<Line>().WithMany().HasForeignKey(x => x.LineId).OnDelete(DeleteBehavior.Restrict);
    }
}

internal sealed class RecyclingNoticeConfiguration : IEntityTypeConfiguration<RecyclingNotice>
{
    public void Configure(EntityTypeBuilder<RecyclingNotice> b)
    {
        b.ToTable("recycling_notices");
        b.HasKey(x => x.Id);
        b.Property(x => x.Id).ValueGeneratedNever();
        b.Property(x => x.Version).IsConcurrencyToken();
        // One notice per partner and quarantine of a number, even when two instances run the notice job at once.
        b.HasIndex(x => new { x.Msisdn, x.AvailableFrom, x.PartnerId }).IsUnique();
        // The overdue list: unacknowledged notices by window end.
        b.HasIndex(x => new { x.AcknowledgedAt, x.AcknowledgeBy });
        b.HasIndex(x => new { x.PartnerId, x.SentAt });
        b.HasOne<Partner>().WithMany().HasForeignKey(x => x.PartnerId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class UnbindingChecklistItemConfiguration : IEntityTypeConfiguration<UnbindingChecklistItem>
{
    public void Configure(EntityTypeBuilder<UnbindingChecklistItem> b)
    {
        b.ToTable("unbinding_checklist_items");
        b.HasKey(x => new { x.CancellationId, x.Item });
        b.Property(x => x.Item).HasMaxLength(32);
        b.Property(x => x.Label).HasMaxLength(UnbindingChecklistItem.MaxLabelLength);
        b.HasOne<CancellationRequest>().WithMany().HasForeignKey(x => x.CancellationId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class WebhookEndpointConfiguration : IEntityTypeConfiguration<WebhookEndpoint>
{
    public void Configure(EntityTypeBuilder<WebhookEndpoint> b)
    {
        b.ToTable("webhook_endpoints");
        b.HasKey(x => x.PartnerId);
        b.Property(x => x.PartnerId).ValueGeneratedNever();
        b.Property(x => x.Version).IsConcurrencyToken();
        b.Property(x => x.Url).HasMaxLength(WebhookEndpoint.MaxUrlLength);
        b.Property(x => x.ProtectedSecret).HasMaxLength(200);
        b.Property(x => x.DisabledReason).HasMaxLength(200);
        b.Ignore(x => x.IsEnabled);
        b.HasOne<Partner>().WithOne().HasForeignKey<WebhookEndpoint>(x => x.PartnerId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class WebhookDeliveryConfiguration : IEntityTypeConfiguration<WebhookDelivery>
{
    public void Configure(EntityTypeBuilder<WebhookDelivery> b)
    {
        b.ToTable("webhook_deliveries");
        b.HasKey(x => x.Id);
        b.Property(x => x.Id).ValueGeneratedNever();
        b.Property(x => x.Version).IsConcurrencyToken();
        b.Property(x => x.EventKey).HasMaxLength(160);
        b.Property(x => x.EventType).HasMaxLength(64);
        b.Property(x => x.Body).HasMaxLength(4000);
        b.Property(x => x.Status).HasConversion<string>().HasMaxLength(16);
        b.Property(x => x.LastError).HasMaxLength(WebhookDelivery.MaxErrorLength);
        b.Property(x => x.LeaseOwner).HasMaxLength(80);
        b.Ignore(x => x.WebhookId);
        // An event reaches a partner once, however often the fan-out is attempted.
        b.HasIndex(x => new { x.PartnerId, x.EventKey }).IsUnique();
        // The worker's claim: pending and due.
        b.HasIndex(x => new { x.Status, x.NextAttemptAt });
        b.HasIndex(x => new { x.PartnerId, x.CreatedAt });
        b.HasOne<Partner>().WithMany().HasForeignKey(x => x.PartnerId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class DeliveryAttemptConfiguration : IEntityTypeConfiguration<DeliveryAttempt>
{
    public void Configure(EntityTypeBuilder<DeliveryAttempt> b)
    {
        b.ToTable("webhook_delivery_attempts");
        b.HasKey(x => x.Id);
        b.Property(x => x.Id).ValueGeneratedOnAdd();
        b.Property(x => x.Error).HasMaxLength(WebhookDelivery.MaxErrorLength);
        b.HasIndex(x => new { x.DeliveryId, x.Number });
        b.HasOne<WebhookDelivery>().WithMany().HasForeignKey(x => x.DeliveryId).OnDelete(DeleteBehavior.Cascade);
    }
}
