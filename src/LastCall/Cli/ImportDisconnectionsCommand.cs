using LastCall.Features.Imports;
using LastCall.Hosting;

namespace LastCall.Cli;

/// <summary>
/// <c>lastcall import disconnections FILE.csv [--report]</c>: loads a legacy disconnection register (with <c>--report</c> its
/// entries are filed in the next regulator reports, as LastCall's own are; without, they are not). Exit 0 when
/// every row was loaded (or already present), 3 when some rows were rejected, 1 when the file could not
/// be imported at all.
/// </summary>
public static class ImportDisconnectionsCommand
{
    public static async Task<int> RunAsync(WebApplication host, string file, bool report = false)
    {
        await using (host)
        {
            var console = host.Services.GetRequiredService<CommandConsole>();
            if (!File.Exists(file))
            {
                await console.Error.WriteLineAsync($"lastcall: no such file: {file}");
                return CommandLine.Failure;
            }
            await host.Services.GetRequiredService<DatabaseInitializer>().PrepareAsync(CancellationToken.None);
            var importer = host.Services.GetRequiredService<DisconnectionImporter>();
            await using var stream = File.OpenRead(file);
            var progress = new ProgressReporter(console.Error, interactive: !console.ErrorRedirected);
            var summary = await importer.ImportAsync(stream,
                rejection => progress.Interrupt($"row {rejection.Row}: {rejection.Code}: {rejection.Detail}"),
                progress.Report,
                progress.Interrupt,
                report);
            progress.Finish();
            if (summary.FileError is { } error)
            {
                await console.Error.WriteLineAsync($"lastcall: {file}: line {error.Row}: {error.Code}: {error.Detail}");
                return CommandLine.Failure;
            }
            console.Out.WriteLine($"imported {summary.Imported}{(report ? " (to be reported)" : "")}, already registered {summary.AlreadyRegistered}, rejected {summary.RejectedCount}");
            return summary.RejectedCount == 0 ? CommandLine.Ok : ImportSubscribersCommand.SomeRowsRejected;
        }
    }
}
