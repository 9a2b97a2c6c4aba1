using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text.Json;
using Npgsql;

namespace LastCall.Benchmarks;

/// <summary>
/// Register freshness (issue 17): COUNT times, commits one register entry straight into PostgreSQL (as any instance's
/// disconnect step does) and measures, from the moment the commit returned, how long each host takes to answer the
/// number <c>yes</c>: each host is asked every 2 ms. One entry at a time, so each latency is that entry's alone.
/// Prints p50, p95, p99 and the maximum per host.
/// </summary>
public static class RegisterFreshness
{
    public static async Task<int> RunAsync(string connection, string[] hostUrls, string apiKey, int count)
    {
        await using var source = NpgsqlDataSource.Create(connection);
        using var http = new HttpClient();
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", apiKey);
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        var latencies = hostUrls.Select(_ => new List<double>(count)).ToArray();
        // Numbers the generated register never holds with a day this recent, so "yes since today" is only ever this entry.
        var first = 8619_800_000_000L + (DateTime.UtcNow.Ticks / TimeSpan.TicksPerSecond % 1_000_000) * 100;
        for (var i = 0; i < count; i++)
        {
            var msisdn = "+" + (first + i).ToString(CultureInfo.InvariantCulture);
            await using (var insert = source.CreateCommand("""INSERT INTO disconnections ("Msisdn", "DisconnectedOn", "Source", "RecordedAt") VALUES ($1, $2, 'Cancellation', now())"""))
            {
                insert.Parameters.AddWithValue(msisdn);
                insert.Parameters.AddWithValue(today);
                await insert.ExecuteNonQueryAsync();
            }
            var committed = Stopwatch.GetTimestamp();
            var seen = await Task.WhenAll(hostUrls.Select(url => WaitForYesAsync(http, $"{url}/api/v1/reassigned-numbers/{Uri.EscapeDataString(msisdn)}?since={today:yyyy-MM-dd}", committed)));
            for (var h = 0; h < hostUrls.Length; h++)
                latencies[h].Add(seen[h]);
        }
        for (var h = 0; h < hostUrls.Length; h++)
        {
            var sorted = latencies[h].Order().ToArray();
            double At(double q) => sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(q * sorted.Length) - 1)];
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"host {hostUrls[h]}: {count} entries, commit to answered yes: p50 {At(0.50):0.0} ms, p95 {At(0.95):0.0} ms, p99 {At(0.99):0.0} ms, max {sorted[^1]:0.0} ms"));
        }
        return 0;
    }

    private static async Task<double> WaitForYesAsync(HttpClient http, string url, long committed)
    {
        var deadline = committed + Stopwatch.Frequency * 30;
        while (true)
        {
            using var response = await http.GetAsync(url);
            if (response.IsSuccessStatusCode)
            {
                using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
                if (body.RootElement.GetProperty("result").GetString() == "yes")
                    return Stopwatch.GetElapsedTime(committed).TotalMilliseconds;
            }
            if (Stopwatch.GetTimestamp() > deadline)
                throw new TimeoutException($"{url} never answered yes within 30 s");
            await Task.Delay(2);
        }
    }
}
