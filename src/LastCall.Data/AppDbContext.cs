using LastCall.Domain.Audit;
using LastCall.Domain.Cancellations;
using LastCall.Domain.Documents;
using LastCall.Domain.Suspensions;
using LastCall.Domain.Billing;
using LastCall.Domain.Common;
using LastCall.Domain.Customers;
using LastCall.Domain.Identity;
using LastCall.Domain.Lines;
using LastCall.Domain.Messaging;
using LastCall.Domain.Numbers;
using LastCall.Domain.Partners;
using LastCall.Domain.Reports;
using LastCall.Domain.Tmf;
using Microsoft.EntityFrameworkCore;

namespace LastCall.Data;

/// <summary>The one EF Core context, used directly by the feature handlers (no repository layer).</summary>
public sealed class AppDbContext(DbContextOptions<AppDbContext> options) : DbContext(options)
{
    public DbSet<Customer> Customers => Set<Customer>();

    public DbSet<Line> Lines => Set<Line>();

    public DbSet<EsimProfile> EsimProfiles => Set<EsimProfile>();

    public DbSet<ImportRunLine> ImportRunLines => Set<ImportRunLine>();

    public DbSet<BillingAccount> BillingAccounts => Set<BillingAccount>();

    public DbSet<PoolNumber> PoolNumbers => Set<PoolNumber>();

    public DbSet<Disconnection> Disconnections => Set<Disconnection>();

    public DbSet<AuditEvent> AuditEvents => Set<AuditEvent>();

    public DbSet<SentMessage> SentMessages => Set<SentMessage>();

    public DbSet<OtpChallenge> OtpChallenges => Set<OtpChallenge>();

    public DbSet<SignInThrottle> SignInThrottles => Set<SignInThrottle>();

    public DbSet<StaffMember> StaffMembers => Set<StaffMember>();

    public DbSet<Partner> Partners => Set<Partner>();

    public DbSet<PartnerApiKey> PartnerApiKeys => Set<PartnerApiKey>();

    public DbSet<CallVerification> CallVerifications => Set<CallVerification>();

    public DbSet<CancellationRequest> CancellationRequests => Set<CancellationRequest>();

    public DbSet<Suspension> Suspensions => Set<Suspension>();

    public DbSet<IdentityDocument> IdentityDocuments => Set<IdentityDocument>();

    public DbSet<IdempotencyRecord> IdempotencyRecords => Set<IdempotencyRecord>();

    public DbSet<ExecutionStep> ExecutionSteps => Set<ExecutionStep>();

    public DbSet<Certificate> Certificates => Set<Certificate>();

    public DbSet<OutboxEvent> OutboxEvents => Set<OutboxEvent>();

    public DbSet<PartnerUsage> PartnerUsage => Set<PartnerUsage>();

    public DbSet<Binding> Bindings => Set<Binding>();

    public DbSet<UnbindingRequest> UnbindingRequests => Set<UnbindingRequest>();

    public DbSet<PreviousHolderUnbinding> PreviousHolderUnbindings => Set<PreviousHolderUnbinding>();

    public DbSet<RecyclingNotice> RecyclingNotices => Set<RecyclingNotice>();

    public DbSet<UnbindingChecklistItem> UnbindingChecklistItems => Set<UnbindingChecklistItem>();

    public DbSet<WebhookEndpoint> WebhookEndpoints => Set<WebhookEndpoint>();

    public DbSet<WebhookDelivery> WebhookDeliveries => Set<WebhookDelivery>();

    public DbSet<DeliveryAttempt> WebhookDeliveryAttempts => Set<DeliveryAttempt>();

    public DbSet<ProductOrder> ProductOrders => Set<ProductOrder>();

    public DbSet<EventHub> EventHubs => Set<EventHub>();

    public DbSet<DisconnectionReport> DisconnectionReports => Set<DisconnectionReport>();

    public DbSet<ReportFiling> ReportFilings => Set<ReportFiling>();

    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        configurationBuilder.Properties<Msisdn>().HaveConversion<MsisdnConverter>().HaveMaxLength(16);
        configurationBuilder.Properties<Iccid>().HaveConversion<IccidConverter>().HaveMaxLength(20);
        configurationBuilder.Properties<Eid>().HaveConversion<EidConverter>().HaveMaxLength(32);
        configurationBuilder.Properties<decimal>().HavePrecision(18, 2);
        if (Database.IsSqlite())
            configurationBuilder.Properties<DateTimeOffset>().HaveConversion<UtcTicksConverter>();
    }

    protected override void OnModelCreating(ModelBuilder modelBuilder) =>
        modelBuilder.ApplyConfigurationsFromAssembly(typeof(AppDbContext).Assembly);

    public override int SaveChanges(bool acceptAllChangesOnSuccess)
    {
        var detect = DetectChangesOnceAndBumpVersions();
        try
        {
            return base.SaveChanges(acceptAllChangesOnSuccess);
        }
        finally
        {
            ChangeTracker.AutoDetectChangesEnabled = detect;
        }
    }

    public override async Task<int> SaveChangesAsync(bool acceptAllChangesOnSuccess, CancellationToken cancellationToken = default)
    {
        var detect = DetectChangesOnceAndBumpVersions();
        try
        {
            return await base.SaveChangesAsync(acceptAllChangesOnSuccess, cancellationToken);
        }
        finally
        {
            ChangeTracker.AutoDetectChangesEnabled = detect;
        }
    }

    /// <summary>
    /// Every modified aggregate gets a new version, so a concurrent writer's save fails instead of overwriting. Changes
    /// are detected once here, and the save itself does not detect them again: a full scan of a batch's tracked entities
    /// is what a save costs most (the save interceptors only look, or add). Returns whether detection was on, to restore.
    /// </summary>
    private bool DetectChangesOnceAndBumpVersions()
    {
        var tracker = ChangeTracker;
        var detect = tracker.AutoDetectChangesEnabled;
        if (detect)
            tracker.DetectChanges();
        tracker.AutoDetectChangesEnabled = false;
        foreach (var entry in tracker.Entries<AggregateRoot>())
        {
            if (entry.State != EntityState.Modified)
                continue;
            entry.Entity.IncrementVersion();
            entry.DetectChanges();
        }
        return detect;
    }
}
