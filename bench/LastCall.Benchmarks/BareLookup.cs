using System.Diagnostics;
using System.Globalization;
using LastCall.Domain.Numbers;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace LastCall.Benchmarks;

/// <summary>
/// The framework's ceiling for the single lookup: a minimal ASP.NET Core app answering
/// GET /api/v1/reassigned-numbers/{msisdn}?since=DATE with the same JSON shape from a
/// <see cref="HashSet{T}"/> of the numbers of a register CSV — no authentication, rate limiting,
/// metering, localization, problem details or logging. bench/lookup-http.sh measures it with the same
/// wrk settings as the real host, in the same run.
/// </summary>
public static class BareLookup
{
    public sealed record Answer(string Msisdn, string Since, string Result);

    public static async Task<int> RunAsync(int port, string registerCsv)
    {
        var watch = Stopwatch.StartNew();
        var numbers = new HashSet<long>();
        foreach (var line in File.ReadLines(registerCsv))
        {
            var comma = line.IndexOf(',', StringComparison.Ordinal);
            if (comma > 0 && DisconnectionIndex.TryParseMsisdn(line.AsSpan(0, comma), out var number))
                numbers.Add(number);
        }
        Console.WriteLine($"bare: {numbers.Count:N0} numbers loaded in {watch.Elapsed.TotalSeconds:F1} s");

        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        var app = builder.Build();
        app.MapGet("/api/v1/reassigned-numbers/{msisdn}", (string msisdn, string? since) =>
        {
            if (!DisconnectionIndex.TryParseMsisdn(msisdn, out var number)
                || !DateOnly.TryParseExact(since, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out _))
                return Results.BadRequest();
            return Results.Ok(new Answer(msisdn, since!, numbers.Contains(number) ? "yes" : "no"));
        });
        await app.StartAsync();
        // Port 0 binds a free port: the script reads the address back from this line, as it does from the real host's.
        Console.WriteLine($"Now listening on: {app.Urls.First()}");
        await app.WaitForShutdownAsync();
        return 0;
    }
}
