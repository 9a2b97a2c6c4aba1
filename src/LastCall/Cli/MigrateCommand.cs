using LastCall.Hosting;

namespace LastCall.Cli;

/// <summary><c>lastcall migrate</c>: apply pending migrations for the configured provider.</summary>
public static class MigrateCommand
{
    public static async Task<int> RunAsync(WebApplication host)
    {
        await using (host)
        {
            var console = host.Services.GetRequiredService<CommandConsole>();
            var settings = host.Services.GetRequiredService<LastCallSettings>();
            await host.Services.GetRequiredService<DatabaseInitializer>().MigrateAsync(CancellationToken.None);
            console.Out.WriteLine($"The {settings.Provider} database is up to date.");
            return CommandLine.Ok;
        }
    }
}
