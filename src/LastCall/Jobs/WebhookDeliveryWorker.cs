using LastCall.Features.Webhooks;
using LastCall.Hosting;

namespace LastCall.Jobs;

/// <summary>
/// Claims due webhook deliveries and attempts them, up to <see cref="WebhookSettings.Concurrency"/>
/// at a time in this instance. Several instances may run against one PostgreSQL database.
/// </summary>
public sealed class WebhookDeliveryWorker(IServiceScopeFactory scopes, WebhookClaims claims, WebhookSettings settings, DatabaseOutage outage, ILogger<WebhookDeliveryWorker> logger)
    : ClaimingWorker(scopes, outage, logger)
{
    protected override bool Enabled => settings.Enabled;

    protected override int Concurrency => settings.Concurrency;

    protected override TimeSpan PollInterval => settings.PollInterval;

    protected override string WorkName => "webhook delivery";

    protected override Task<IReadOnlyList<Guid>> ClaimAsync(int count, CancellationToken ct) => claims.ClaimAsync(count, ct);

    // One delivery is one attempt: it is finished, not stopped half-way, when the host shuts down.
    protected override Task RunAsync(IServiceProvider services, IReadOnlyList<Guid> batch, CancellationToken stopping, CancellationToken ct) =>
        services.GetRequiredService<DeliveryRunner>().RunAsync(batch.Single(), ct);

    protected override Task<int> ReleaseAllAsync(CancellationToken ct) => claims.ReleaseAllAsync(ct);
}
