using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using LastCall.BackendSimulators;
using LastCall.Data;
using LastCall.Domain.Cancellations;
using LastCall.Domain.Identity;
using LastCall.Domain.Lines;
using LastCall.Security;
using LastCall.SmdpSimulator;
using Microsoft.EntityFrameworkCore;

namespace LastCall.Benchmarks;

/// <summary>
/// End-to-end cancellation throughput: the SM-DP+ and the billing/network simulators run in their own
/// process over loopback HTTP (<see cref="StartSimulatorsAsync"/>), the LastCall hosts (started by
/// bench/cancellations.sh against PostgreSQL) execute; SUBMITTERS clerks submit COUNT store cancellations of
/// eligible lines in parallel, spread over the hosts, and we time until every one is completed. Per-step
/// latency comes from the steps' own start and completion times.
/// </summary>
public static class CancellationThroughput
{
    public static async Task<int> StartSimulatorsAsync(string connection, int smdpPort, int backendsPort, string readyFile)
    {
        var smdp = await SmdpSimulatorApp.StartAsync($"http://127.0.0.1:{smdpPort}");
        var backends = await BackendSimulatorsApp.StartAsync($"http://127.0.0.1:{backendsPort}");
        var smdpUrl = smdp.Urls.First();
        var backendsUrl = backends.Urls.First();
        await using var db = Context(connection);
        var lines = await db.Lines.AsNoTracking().Where(l => l.Status != LineStatus.Cancelled).ToListAsync();
        var accounts = await db.BillingAccounts.AsNoTracking().ToDictionaryAsync(a => a.LineId);
        using var smdpClient = new HttpClient { BaseAddress = new Uri(smdpUrl + "/") };
        using var backendsClient = new HttpClient { BaseAddress = new Uri(backendsUrl + "/") };
        await Parallel.ForEachAsync(lines, new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (line, ct) =>
        {
            foreach (var p in line.Profiles)
                (await smdpClient.PutAsJsonAsync($"simulator/profiles/{p.Iccid.Value}", new { eid = p.Eid?.Value, state = p.State.ToString() }, ct)).EnsureSuccessStatusCode();
            var number = Uri.EscapeDataString(line.Msisdn.Value);
            var a = accounts.GetValueOrDefault(line.Id);
            (await backendsClient.PutAsJsonAsync($"simulator/billing/accounts/{number}", new { currency = "CNY", balance = a?.Balance ?? 0, arrears = a?.Arrears ?? 0 }, ct)).EnsureSuccessStatusCode();
            (await backendsClient.PutAsJsonAsync($"simulator/network/subscriptions/{number}", new { imsi = "46000" + line.Msisdn.Value[^10..] }, ct)).EnsureSuccessStatusCode();
        });
        // Written last, in one go: the script waits for the file and reads the bound addresses from it.
        var temporary = readyFile + ".tmp";
        await File.WriteAllTextAsync(temporary, $"{smdpUrl} {backendsUrl} {lines.Count}\n");
        File.Move(temporary, readyFile);
        Console.WriteLine($"simulators ready: {lines.Count} lines seeded");
        await Task.Delay(Timeout.Infinite);
        GC.KeepAlive(smdp);
        GC.KeepAlive(backends);
        return 0;
    }

    public static async Task<int> RunAsync(string connection, string[] hostUrls, int count, int submitters)
    {
        await using (var db = Context(connection))
        {
            if (!await db.StaffMembers.AnyAsync(s => s.Username == "bench.clerk"))
            {
                db.StaffMembers.Add(StaffMember.Create("bench.clerk", [StaffRoles.Clerk], "BJ-001", SecretHasher.Hash("bench-clerk-password"), DateTimeOffset.UtcNow).Value);
                await db.SaveChangesAsync();
            }
        }
        List<(string Msisdn, string IdNumber)> targets;
        await using (var db = Context(connection))
        {
            var eligible = await db.Lines.AsNoTracking()
                .Where(l => l.Status == LineStatus.Active && l.ContractEndsOn == null && l.BundleRole == BundleRole.None && !l.FraudHold)
                .Join(db.BillingAccounts.Where(a => a.Arrears == 0), l => l.Id, a => a.LineId, (l, _) => l.Msisdn)
                .Take(count).ToListAsync();
            targets = [.. eligible.Select(m => (m.Value, SubscriberFileGenerator.ResidentId(int.Parse(m.Value[^8..], CultureInfo.InvariantCulture) / 4)))];
        }

        var clients = new List<HttpClient>();
        foreach (var url in hostUrls)
        {
            var http = new HttpClient { BaseAddress = new Uri(url), Timeout = TimeSpan.FromMinutes(5) };
            using var login = await http.PostAsJsonAsync("/api/v1/staff/auth/login", new { username = "bench.clerk", password = "bench-clerk-password" });
            login.EnsureSuccessStatusCode();
            var token = (await login.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("accessToken").GetString();
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
            clients.Add(http);
        }

        var clock = Stopwatch.StartNew();
        var refused = 0;
        var firstRefusal = "";
        // This round's requests only: an earlier round (the warm-up) left its own in the same database.
        var round = new System.Collections.Concurrent.ConcurrentBag<Guid>();
        await Parallel.ForEachAsync(targets.Select((t, i) => (t.Msisdn, t.IdNumber, Client: clients[i % clients.Count])), new ParallelOptions { MaxDegreeOfParallelism = submitters }, async (t, ct) =>
        {
            using var response = await t.Client.PostAsJsonAsync("/api/v1/cancellations", new { msisdn = t.Msisdn, identityCheck = new { method = "in_person_id", idNumber = t.IdNumber } }, ct);
            if (response.IsSuccessStatusCode)
                round.Add((await response.Content.ReadFromJsonAsync<JsonElement>(ct)).GetProperty("id").GetGuid());
            else if (Interlocked.Increment(ref refused) == 1)
                firstRefusal = $"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync(ct)}";
        });
        if (refused > 0)
            Console.Error.WriteLine($"warning: {refused} submits refused, the first with {firstRefusal}");
        var submitted = clock.Elapsed;
        var ids = round.ToList();
        var accepted = ids.Count;

        await using var check = Context(connection);
        while (await check.CancellationRequests.CountAsync(r => ids.Contains(r.Id) && (r.Status == CancellationStatus.Completed || r.Status == CancellationStatus.Failed)) < accepted)
            await Task.Delay(100);
        var failed = await check.CancellationRequests.CountAsync(r => ids.Contains(r.Id) && r.Status == CancellationStatus.Failed);
        if (failed > 0)
            Console.Error.WriteLine($"warning: {failed} requests failed");
        var total = clock.Elapsed;
        foreach (var client in clients)
            client.Dispose();

        var steps = await check.ExecutionSteps.AsNoTracking().Where(s => ids.Contains(s.RequestId) && s.Status == StepStatus.Succeeded).ToListAsync();
        var requests = await check.CancellationRequests.AsNoTracking().Where(r => ids.Contains(r.Id) && r.Status == CancellationStatus.Completed).Select(r => new { r.SubmittedAt, r.CompletedAt }).ToListAsync();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"cancellations={accepted - failed} failed={failed} refused={refused} submit_seconds={submitted.TotalSeconds:0.0} submits_per_second={targets.Count / submitted.TotalSeconds:0.0} total_seconds={total.TotalSeconds:0.0} completed_per_second={(accepted - failed) / total.TotalSeconds:0.0}"));
        var endToEnd = requests.Select(r => (r.CompletedAt!.Value - r.SubmittedAt).TotalMilliseconds).Order().ToList();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"submit_to_completed_ms p50={Percentile(endToEnd, 0.5):0} p95={Percentile(endToEnd, 0.95):0} max={endToEnd[^1]:0}"));
        foreach (var group in steps.GroupBy(s => s.Name).OrderBy(g => g.Key))
        {
            var ms = group.Select(s => (s.CompletedAt!.Value - s.StartedAt!.Value).TotalMilliseconds).Order().ToList();
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"step={group.Key} p50_ms={Percentile(ms, 0.5):0.0} p95_ms={Percentile(ms, 0.95):0.0} max_ms={ms[^1]:0.0}"));
        }
        return 0;
    }

    private static double Percentile(List<double> sorted, double p) => sorted.Count == 0 ? 0 : sorted[Math.Min(sorted.Count - 1, (int)(p * sorted.Count))];

    private static AppDbContext Context(string connection)
    {
        var options = new DbContextOptionsBuilder<AppDbContext>();
        options.UseLastCallDatabase(DatabaseProvider.Postgres, connection);
        return new AppDbContext(options.Options);
    }
}
