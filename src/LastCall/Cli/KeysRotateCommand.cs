using LastCall.Hosting;
using LastCall.Security;

namespace LastCall.Cli;

/// <summary>
/// <c>lastcall keys rotate [--batch-size N]</c>: seals everything still under a previous master key again under the
/// current one, in batches, while servers keep serving (<see cref="MasterKeyRotation"/>); then checks and anchors the
/// audit chain. Ctrl-C stops after the batch being written is rolled back; running it again finishes the job.
/// Exit 0 when nothing is left under another key, 3 when rows changed by an instance still on an old key were left
/// (run again), 1 on failure (a row no configured key opens, a broken audit chain, an interruption), 2 on a usage error.
/// </summary>
public static class KeysRotateCommand
{
    public const int RowsRemain = 3;
    private const int DefaultBatchSize = 500;

    public static async Task<int> RunAsync(WebApplication host, IReadOnlyDictionary<string, string> options)
    {
        await using (host)
        {
            var console = host.Services.GetRequiredService<CommandConsole>();
            var batchSize = DefaultBatchSize;
            if (options.TryGetValue("batch-size", out var given) && (!int.TryParse(given, out batchSize) || batchSize < 1))
            {
                await console.Error.WriteLineAsync("lastcall: --batch-size must be a whole number of at least 1");
                return CommandLine.Usage;
            }
            await host.Services.GetRequiredService<DatabaseInitializer>().PrepareAsync(CancellationToken.None);
            var keys = host.Services.GetRequiredService<KeyRing>();
            var rotation = host.Services.GetRequiredService<MasterKeyRotation>();
            console.Out.WriteLine($"sealing under master key {keys.CurrentKeyId}; readable under {string.Join(", ", keys.KeyIds)}");

            using var interrupt = new CancellationTokenSource();
            ConsoleCancelEventHandler onCancel = (_, e) =>
            {
                e.Cancel = true;
                interrupt.Cancel();
            };
            Console.CancelKeyPress += onCancel;
            var totals = new Dictionary<string, (int Rekeyed, int Skipped)>();
            try
            {
                var chain = await rotation.RotateAsync(batchSize, batch =>
                {
                    var (rekeyed, skipped) = totals.GetValueOrDefault(batch.Table);
                    totals[batch.Table] = (rekeyed + batch.Rekeyed, skipped + batch.Skipped);
                    console.Out.WriteLine($"progress: {batch.Table}: {rekeyed + batch.Rekeyed} re-keyed, {skipped + batch.Skipped} skipped (changed meanwhile)");
                }, interrupt.Token);
                foreach (var (table, (rekeyed, skipped)) in totals)
                    console.Out.WriteLine($"{table}: {rekeyed} re-keyed, {skipped} skipped");
                if (chain.FirstBreak is { } broken)
                {
                    await console.Error.WriteLineAsync($"lastcall: audit chain broken at entry {broken.Sequence}: {broken.Reason}; not anchored, keep the previous keys");
                    return CommandLine.Failure;
                }
                console.Out.WriteLine($"audit chain intact and anchored: {chain.EntriesChecked} entries");
            }
            catch (OperationCanceledException) when (interrupt.IsCancellationRequested)
            {
                await console.Error.WriteLineAsync("lastcall: interrupted; committed batches stay re-keyed, run `lastcall keys rotate` again to finish");
                return CommandLine.Failure;
            }
            finally
            {
                Console.CancelKeyPress -= onCancel;
            }

            var remaining = (await rotation.StatusAsync(CancellationToken.None)).Sum(u => u.UnderOtherKeys);
            if (remaining > 0)
            {
                console.Out.WriteLine($"{remaining} rows are still under another key (changed meanwhile by an instance on an old key?): run `lastcall keys rotate` again");
                return RowsRemain;
            }
            console.Out.WriteLine("done: every row is under the current master key");
            return CommandLine.Ok;
        }
    }
}
