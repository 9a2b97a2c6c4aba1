using LastCall.Auditing;
using LastCall.Features.Admin;
using LastCall.Hosting;

namespace LastCall.Cli;

/// <summary><c>lastcall partners add --name NAME</c>: creates a partner and prints its API key once.</summary>
public static class PartnersAddCommand
{
    public static async Task<int> RunAsync(WebApplication host, IReadOnlyDictionary<string, string> options)
    {
        await using (host)
        {
            if (!options.TryGetValue("name", out var name))
            {
                await Console.Error.WriteLineAsync("lastcall: partners add needs --name NAME");
                return CommandLine.Usage;
            }
            await host.Services.GetRequiredService<DatabaseInitializer>().PrepareAsync(CancellationToken.None);
            await using var scope = host.Services.CreateAsyncScope();
            var result = await ManagePartners.CreateAsync(scope.ServiceProvider.GetRequiredService<AuditTrail>(), TimeProvider.System, name, CancellationToken.None);
            if (!result.IsSuccess)
            {
                await Console.Error.WriteLineAsync($"lastcall: {result.Error!.Code}: {result.Error.Message}");
                return CommandLine.Failure;
            }
            Console.WriteLine($"partner {result.Value.Name} ({result.Value.Id})");
            Console.WriteLine($"api key (shown once, store it now): {result.Value.ApiKey}");
            return CommandLine.Ok;
        }
    }
}
