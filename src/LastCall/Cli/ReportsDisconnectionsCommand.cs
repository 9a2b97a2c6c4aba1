using LastCall.Features.Reports;
using LastCall.Hosting;

namespace LastCall.Cli;

/// <summary>
/// <c>lastcall reports disconnections --period yyyy-MM --profile generic|fcc-rnd --format csv|xlsx --out DIR</c>: files the
/// month's regulator report (the same filing as the API: once per month and profile) and copies its files into DIR.
/// Exit 3 when the month is already filed with that profile.
/// </summary>
public static class ReportsDisconnectionsCommand
{
    public const int AlreadyFiled = 3;

    public static async Task<int> RunAsync(WebApplication host, IReadOnlyDictionary<string, string> options)
    {
        await using (host)
        {
            var console = host.Services.GetRequiredService<CommandConsole>();
            if (!options.TryGetValue("period", out var period) || !options.TryGetValue("out", out var outFolder))
            {
                await console.Error.WriteLineAsync("lastcall: reports disconnections needs --period yyyy-MM and --out DIR");
                return CommandLine.Usage;
            }
            await host.Services.GetRequiredService<DatabaseInitializer>().PrepareAsync(CancellationToken.None);
            await using var scope = host.Services.CreateAsyncScope();
            var request = new FileDisconnectionReport.Request(period, options.GetValueOrDefault("profile", "generic"), options.GetValueOrDefault("format", "csv"));
            var filed = await scope.ServiceProvider.GetRequiredService<FileDisconnectionReport>().HandleAsync(request, "cli", CancellationToken.None);
            if (!filed.IsSuccess)
            {
                await console.Error.WriteLineAsync($"lastcall: {filed.Error!.Code}: {filed.Error.Message}");
                return filed.Error.Code == "already_filed" ? AlreadyFiled : CommandLine.Failure;
            }
            var report = filed.Value;
            var store = scope.ServiceProvider.GetRequiredService<ReportStore>();
            Directory.CreateDirectory(outFolder);
            foreach (var file in report.Files)
            {
                File.Copy(store.PathFor(report.Id, file.Name), Path.Combine(outFolder, file.Name), overwrite: false);
                console.Out.WriteLine($"{file.Name}\t{file.RowCount} rows\tsha256 {file.Sha256}");
            }
            console.Out.WriteLine($"report {report.Id}: {report.Period} {report.Profile}, {report.RowCount} rows{(report.RowCount == 0 ? " (nothing to report)" : "")}, sha256 {report.Sha256}");
            return CommandLine.Ok;
        }
    }
}
