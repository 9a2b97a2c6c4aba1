using LastCall.Features.Webhooks;

namespace LastCall.Workers;

/// <summary>
/// Claims due webhook deliveries and attempts them, up to <see cref="WebhookSettings.Concurrency"/>
/// at a time in this instance. Several instances may run against one PostgreSQL database.
/// </summary>
public sealed class WebhookDeliveryWorker(IServiceScopeFactory scopes, WebhookClaims claims, WebhookSettings settings, ILogger<WebhookDeliveryWorker> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!settings.Enabled)
            return;
        while (!stoppingToken.IsCancellationRequested)
        {
            IReadOnlyList<Guid> claimed;
            try
            {
                claimed = await claims.ClaimAsync(settings.Concurrency, stoppingToken);
                if (claimed.Count > 0)
                    await Task.WhenAll(claimed.Select(id => RunOneAsync(id, stoppingToken)));
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogWarning(e, "Webhook delivery pass failed; trying again shortly");
                claimed = [];
            }
            if (claimed.Count < settings.Concurrency)
                await Task.Delay(settings.PollInterval, stoppingToken).ContinueWith(_ => { }, TaskScheduler.Default);
        }
    }

    private async Task RunOneAsync(Guid id, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        try
        {
            await scope.ServiceProvider.GetRequiredService<DeliveryRunner>().RunAsync(id, ct);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            logger.LogError(e, "Webhook delivery {Id} failed unexpectedly; its lease runs out and it is claimed again", id);
        }
    }
}
