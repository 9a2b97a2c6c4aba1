using LastCall.Auditing;
using LastCall.Data;
using LastCall.Features.Imports;
using LastCall.Hosting;

namespace LastCall.Cli;

/// <summary>
/// <c>lastcall import subscribers FILE.csv</c>: streams the file into the database, printing each
/// rejected row as it is found. Exit 0 when every row was imported, 3 when some rows were rejected
/// (the others are imported), 1 when the file could not be imported at all.
/// </summary>
public static class ImportSubscribersCommand
{
    public const int SomeRowsRejected = 3;

    public static async Task<int> RunAsync(WebApplication host, string file)
    {
        await using (host)
        {
            var console = host.Services.GetRequiredService<CommandConsole>();
            if (!File.Exists(file))
            {
                await console.Error.WriteLineAsync($"lastcall: no such file: {file}");
                return CommandLine.Failure;
            }
            var settings = host.Services.GetRequiredService<ImportSettings>();   // checked before anything is touched
            await host.Services.GetRequiredService<DatabaseInitializer>().PrepareAsync(CancellationToken.None);
            var importer = host.Services.GetRequiredService<SubscriberImporter>();

            await using var stream = File.OpenRead(file);
            var progress = new ProgressReporter(console.Error, interactive: !console.ErrorRedirected);
            ImportSummary summary;
            using (var ceiling = ImportHeapCeiling.Apply(settings, host.Services.GetRequiredService<LastCallSettings>().Provider, console.IsProcessConsole,
                host.Services.GetRequiredService<ILogger<SubscriberImporter>>()))
            {
                try
                {
                    summary = await importer.ImportAsync(
                        stream,
                        rejection => progress.Interrupt($"row {rejection.Row}: {rejection.Code}: {rejection.Detail}"),
                        progress.Report);
                }
                catch (Exception ex) when (ceiling.Bytes is not null && ImportHeapCeiling.IsOutOfMemory(ex))
                {
                    // Each batch commits on its own: what committed stays, and running the file again imports the rest.
                    progress.Finish();
                    await console.Error.WriteLineAsync($"lastcall: {file}: the import needed more than its heap ceiling of {settings.HeapLimitMegabytes} MB; " +
                        "the batches already committed stay imported. Run it again with a larger Import:HeapLimitMegabytes (0: no ceiling).");
                    return CommandLine.Failure;
                }
            }
            progress.Finish();

            if (summary.FileError is { } error)
            {
                await console.Error.WriteLineAsync($"lastcall: {file}: line {error.Row}: {error.Code}: {error.Detail}");
                return CommandLine.Failure;
            }
            await using (var scope = host.Services.CreateAsyncScope())
            {
                // The operator's import changes subscribers like the admin endpoint does: it leaves the same trace.
                var audit = scope.ServiceProvider.GetRequiredService<AuditTrail>();
                audit.Record("subscribers.imported", null, after: new { source = "cli", file = Path.GetFileName(file), bytes = new FileInfo(file).Length, summary.Imported, rejected = summary.RejectedCount });
                await scope.ServiceProvider.GetRequiredService<AppDbContext>().SaveChangesAsync(CancellationToken.None);
            }
            console.Out.WriteLine($"imported {summary.Imported}, rejected {summary.RejectedCount}");
            return summary.RejectedCount == 0 ? CommandLine.Ok : SomeRowsRejected;
        }
    }
}
