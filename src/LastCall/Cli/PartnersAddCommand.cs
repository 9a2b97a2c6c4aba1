using LastCall.Auditing;
using LastCall.Data;
using LastCall.Features.Admin;
using LastCall.Hosting;

namespace LastCall.Cli;

/// <summary>
/// <c>lastcall partners add --name NAME [--scope SCOPE[,SCOPE]]</c>: creates a partner and prints its API key once.
/// <c>--scope bss</c> makes it a BSS client, whose keys reach only the TM Forum APIs; <c>--scope porting</c> a porting client, whose keys reach only the port-out routes.
/// </summary>
public static class PartnersAddCommand
{
    public static async Task<int> RunAsync(WebApplication host, IReadOnlyDictionary<string, string> options)
    {
        await using (host)
        {
            var console = host.Services.GetRequiredService<CommandConsole>();
            if (!options.TryGetValue("name", out var name))
            {
                await console.Error.WriteLineAsync("lastcall: partners add needs --name NAME");
                return CommandLine.Usage;
            }
            await host.Services.GetRequiredService<DatabaseInitializer>().PrepareAsync(CancellationToken.None);
            await using var scope = host.Services.CreateAsyncScope();
            var scopes = options.TryGetValue("scope", out var given) ? given.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) : [];
            var result = await scope.ServiceProvider.GetRequiredService<CreatePartner>().HandleAsync(new ManagePartners.CreateRequest(name, [.. scopes]), CancellationToken.None);
            if (!result.IsSuccess)
            {
                await console.Error.WriteLineAsync($"lastcall: {result.Error!.Code}: {result.Error.Message}");
                return CommandLine.Failure;
            }
            console.Out.WriteLine(result.Value.Scopes.Count == 0
                ? $"partner {result.Value.Name} ({result.Value.Id})"
                : $"partner {result.Value.Name} ({result.Value.Id}), scope {string.Join(',', result.Value.Scopes)}");
            console.Out.WriteLine($"api key (shown once, store it now): {result.Value.ApiKey}");
            return CommandLine.Ok;
        }
    }
}
