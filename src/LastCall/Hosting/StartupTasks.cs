using LastCall.DemoData;

namespace LastCall.Hosting;

/// <summary>
/// Runs before the server accepts requests: schema first, then the demo subscribers on an empty
/// embedded database. A hosted service (not code after Build) so test hosts run it too.
/// </summary>
public sealed class StartupTasks(DatabaseInitializer database, IServiceProvider services, LastCallSettings settings) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        // Read the business policies now (they are built on first use): a wrong value stops the start, not a request.
        services.GetRequiredService<PolicySettings>();
        await database.PrepareAsync(cancellationToken);
        if (settings.LoadDemoData)
            await DemoDataLoader.LoadIfEmptyAsync(services, cancellationToken);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
