using LastCall.Auditing;
using LastCall.Hosting;

namespace LastCall.Cli;

/// <summary>
/// <c>lastcall audit verify</c>: seals the entries still waiting for the chain (written while no host ran, or in
/// the last fraction of a second), then walks the chain; exit 0 if intact, else names the first broken entry and exits 1.
/// </summary>
public static class AuditVerifyCommand
{
    public static async Task<int> RunAsync(WebApplication host)
    {
        await using (host)
        {
            var console = host.Services.GetRequiredService<CommandConsole>();
            await host.Services.GetRequiredService<DatabaseInitializer>().PrepareAsync(CancellationToken.None);
            var sealedNow = await host.Services.GetRequiredService<AuditChainSealer>().SealPendingAsync(CancellationToken.None);
            if (sealedNow > 0)
                console.Out.WriteLine($"sealed {sealedNow} entries that were waiting for the chain");
            var result = await host.Services.GetRequiredService<AuditChainVerifier>().VerifyAsync(CancellationToken.None);
            if (result.FirstBreak is { } broken)
            {
                await console.Error.WriteLineAsync($"audit chain broken at entry {broken.Sequence}: {broken.Reason} ({result.EntriesChecked} entries before it are intact)");
                return CommandLine.Failure;
            }
            console.Out.WriteLine($"audit chain intact: {result.EntriesChecked} entries");
            return CommandLine.Ok;
        }
    }
}
