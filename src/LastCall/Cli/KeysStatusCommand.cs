using LastCall.Auditing;
using LastCall.Data;
using LastCall.Hosting;
using LastCall.Security;
using Microsoft.EntityFrameworkCore;

namespace LastCall.Cli;

/// <summary>
/// <c>lastcall keys status</c>: the configured master key ids, how many rows of each table are still under a key other
/// than the current one, and whether the audit chain would verify without the previous keys. Exit 0 when the
/// previous keys can be removed, 3 when they are still needed (run <c>lastcall keys rotate</c>), 1 on failure.
/// </summary>
public static class KeysStatusCommand
{
    public const int PreviousKeysNeeded = 3;

    public static async Task<int> RunAsync(WebApplication host)
    {
        await using (host)
        {
            var console = host.Services.GetRequiredService<CommandConsole>();
            await host.Services.GetRequiredService<DatabaseInitializer>().PrepareAsync(CancellationToken.None);
            var keys = host.Services.GetRequiredService<KeyRing>();
            console.Out.WriteLine($"current master key: {keys.CurrentKeyId}");
            console.Out.WriteLine($"previous master keys: {(keys.KeyIds.Count > 1 ? string.Join(", ", keys.KeyIds.Skip(1)) : "none")}");

            var usage = await host.Services.GetRequiredService<MasterKeyRotation>().StatusAsync(CancellationToken.None);
            foreach (var table in usage)
                console.Out.WriteLine($"{table.Table}: {table.UnderCurrentKey} under the current key, {table.UnderOtherKeys} under other keys");

            // What `audit verify` would say on a host configured with the current key alone.
            var currentOnly = new AuditChainVerifier(host.Services.GetRequiredService<IDbContextFactory<AppDbContext>>(), new AuditChainKey(keys.CurrentOnly()));
            var chain = await currentOnly.VerifyAsync(CancellationToken.None);
            console.Out.WriteLine(chain.Intact
                ? $"audit chain: {chain.EntriesChecked} entries verify under the current key alone"
                : $"audit chain: entry {chain.FirstBreak!.Sequence} needs a previous key (run `lastcall keys rotate` to anchor the chain)");

            var remaining = usage.Sum(u => u.UnderOtherKeys);
            if (remaining > 0 || !chain.Intact)
            {
                console.Out.WriteLine("the previous master keys are still needed");
                return PreviousKeysNeeded;
            }
            console.Out.WriteLine("the previous master keys can be removed");
            return CommandLine.Ok;
        }
    }
}
