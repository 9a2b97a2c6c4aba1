using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using LastCall.Data;
using LastCall.TestSupport;
using Microsoft.EntityFrameworkCore;

namespace LastCall.Tests.Web;

/// <summary>
/// A client that retries hard: 1,000 identical POSTs with one Idempotency-Key at the same moment, spread over two
/// instances on one PostgreSQL database. One cancellation is created; every request that completed gets the same
/// 201 body; those that overlapped the first get 409 <c>idempotency_in_progress</c>; nothing else. The suite shares
/// one PostgreSQL cluster among tests running in parallel, so a request may meet a full cluster and be told 503
/// <c>database_unavailable</c> with Retry-After: it then retries as the contract says a client should, and must end
/// with the same answers.
/// </summary>
public sealed class IdempotencyContentionTests(PostgresCluster postgres)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task AThousandParallelDuplicatesOverTwoInstances_OneEffect_OneBody_RestConflict()
    {
        const int duplicates = 1000;
        await using var fleet = await CrashFleet.StartAsync(postgres, DatabaseProvider.Postgres, 2);
        var settings = fleet.HostSettings();
        settings["Execution:Enabled"] = "false";
        // Bounded, as docs/operations.md tells operators: two instances must not take the shared cluster's connections.
        settings["ConnectionStrings:LastCall"] += ";Maximum Pool Size=30";
        await using var a = await HostProcess.StartAsync("host-a", settings);
        await using var b = await HostProcess.StartAsync("host-b", settings);
        using var clients = new ClientPair(a, b);
        var token = await clients.ClerkTokenAsync();
        var line = fleet.Lines[0];
        var body = JsonSerializer.Serialize(new { msisdn = line.Msisdn, identityCheck = new { method = "in_person_id", idNumber = line.IdNumber } });

        using var start = new SemaphoreSlim(0);
        var sends = Enumerable.Range(0, duplicates).Select(async i =>
        {
            await start.WaitAsync(Ct);
            for (var attempt = 1; ; attempt++)
            {
                using var request = new HttpRequestMessage(HttpMethod.Post, "api/v1/cancellations")
                {
                    Content = new StringContent(body, System.Text.Encoding.UTF8, "application/json"),
                };
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
                request.Headers.Add("Idempotency-Key", "retry-storm-1");
                using var response = await clients.For(i).SendAsync(request, Ct);
                var answer = await response.Content.ReadAsStringAsync(Ct);
                if (response.StatusCode != HttpStatusCode.ServiceUnavailable || attempt == 5)
                    return (response.StatusCode, Body: answer);
                Assert.Equal("database_unavailable", JsonDocument.Parse(answer).RootElement.GetProperty("code").GetString());
                await Task.Delay(response.Headers.RetryAfter?.Delta ?? TimeSpan.FromSeconds(1), Ct);
            }
        }).ToList();
        start.Release(duplicates);
        var answers = await Task.WhenAll(sends);

        var created = answers.Where(r => r.StatusCode == HttpStatusCode.Created).ToList();
        var conflicts = answers.Where(r => r.StatusCode == HttpStatusCode.Conflict).ToList();
        var others = answers.Where(r => r.StatusCode is not (HttpStatusCode.Created or HttpStatusCode.Conflict))
            .GroupBy(r => $"{(int)r.StatusCode} {r.Body}").Select(g => $"{g.Count()} × {g.Key}");
        Assert.True(created.Count + conflicts.Count == duplicates,
            $"{created.Count} × 201, {conflicts.Count} × 409, and: {string.Join("; ", others)}");
        Assert.NotEmpty(created);
        Assert.Single(created.Select(r => r.Body).Distinct());
        Assert.All(conflicts, r => Assert.Equal("idempotency_in_progress", JsonDocument.Parse(r.Body).RootElement.GetProperty("code").GetString()));

        await using var db = fleet.Database.CreateContext();
        // The fleet's database holds no other request: exactly one was created.
        var request = Assert.Single(await db.CancellationRequests.AsNoTracking().ToListAsync(Ct));
        Assert.Equal(request.Id, JsonDocument.Parse(created[0].Body).RootElement.GetProperty("id").GetGuid());
    }

    /// <summary>One client per instance; request <c>i</c> goes to instance <c>i % 2</c>.</summary>
    private sealed class ClientPair(HostProcess a, HostProcess b) : IDisposable
    {
        private readonly HttpClient[] _clients = [Patient(a.CreateClient()), Patient(b.CreateClient())];

        public HttpClient For(int i) => _clients[i % 2];

        public async Task<string> ClerkTokenAsync()
        {
            using var login = await _clients[0].PostAsJsonAsync("api/v1/staff/auth/login", new { username = "clerk", password = CrashFleet.ClerkPassword }, Ct);
            login.EnsureSuccessStatusCode();
            return (await login.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("accessToken").GetString()!;
        }

        /// <summary>
        /// What is asserted is the answers, not how fast they come: on a busy machine the last of 1,000 requests that
        /// arrive at once may wait more than the usual 30 s for its turn, and CI runs beside other work.
        /// </summary>
        private static HttpClient Patient(HttpClient client)
        {
            client.Timeout = TimeSpan.FromMinutes(5);
            return client;
        }

        public void Dispose()
        {
            foreach (var client in _clients)
                client.Dispose();
        }
    }
}
