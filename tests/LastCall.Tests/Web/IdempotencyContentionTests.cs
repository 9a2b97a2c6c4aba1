using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using LastCall.Data;
using LastCall.Tests.Features.Execution;
using LastCall.TestSupport;
using Microsoft.EntityFrameworkCore;

namespace LastCall.Tests.Web;

/// <summary>
/// A client that retries hard: 1,000 identical POSTs with one Idempotency-Key at the same moment, spread over two
/// instances on one PostgreSQL database. One cancellation is created; every request that completed gets the same
/// 201 body; those that overlapped the first get 409 <c>idempotency_in_progress</c>; nothing else.
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
            using var request = new HttpRequestMessage(HttpMethod.Post, "api/v1/cancellations")
            {
                Content = new StringContent(body, System.Text.Encoding.UTF8, "application/json"),
            };
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            request.Headers.Add("Idempotency-Key", "retry-storm-1");
            using var response = await clients.For(i).SendAsync(request, Ct);
            return (response.StatusCode, Body: await response.Content.ReadAsStringAsync(Ct));
        }).ToList();
        start.Release(duplicates);
        var answers = await Task.WhenAll(sends);

        var created = answers.Where(r => r.StatusCode == HttpStatusCode.Created).ToList();
        var conflicts = answers.Where(r => r.StatusCode == HttpStatusCode.Conflict).ToList();
        TestContext.Current.TestOutputHelper?.WriteLine($"{created.Count} × 201, {conflicts.Count} × 409");
        Assert.Equal(duplicates, created.Count + conflicts.Count);
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
        private readonly HttpClient[] _clients = [a.CreateClient(), b.CreateClient()];

        public HttpClient For(int i) => _clients[i % 2];

        public async Task<string> ClerkTokenAsync()
        {
            using var login = await _clients[0].PostAsJsonAsync("api/v1/staff/auth/login", new { username = "clerk", password = CrashFleet.ClerkPassword }, Ct);
            login.EnsureSuccessStatusCode();
            return (await login.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("accessToken").GetString()!;
        }

        public void Dispose()
        {
            foreach (var client in _clients)
                client.Dispose();
        }
    }
}
