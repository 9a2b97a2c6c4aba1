using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using LastCall.Data;
using LastCall.Domain.Common;
using LastCall.Domain.Numbers;
using LastCall.Features.Lookup;
using LastCall.TestSupport;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace LastCall.Tests.Features.Lookup;

/// <summary>The partners' reassigned-numbers lookup: single, batch, streamed CSV and CAMARA, answered from the in-memory register.</summary>
public sealed class LookupTests(PostgresCluster postgres)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private sealed record Fixture(Scenario Scenario, HttpClient Partner, Guid PartnerId, string Disconnected, string Twice, string Never) : IAsyncDisposable
    {
        public ValueTask DisposeAsync() => Scenario.DisposeAsync();
    }

    /// <summary>A register starting 2020-01-01 with one number disconnected on 2023-06-15 and one on 2021-01-10 and 2024-02-01.</summary>
    private static async Task<Fixture> StartAsync(PostgresCluster postgres, DatabaseProvider provider = DatabaseProvider.Sqlite)
    {
        var scenario = await Scenario.StartAsync(postgres, provider, s => s["Register:StartsOn"] = "2020-01-01");
        var disconnected = TestData.Msisdn(TestData.Next());
        var twice = TestData.Msisdn(TestData.Next());
        var never = TestData.Msisdn(TestData.Next());
        await AddToRegisterAsync(scenario, (disconnected, new DateOnly(2023, 6, 15)), (twice, new DateOnly(2021, 1, 10)), (twice, new DateOnly(2024, 2, 1)));
        var admin = await scenario.StaffAsync("admin");
        using var created = await admin.PostAsJsonAsync("/api/v1/admin/partners", new { name = "Example Bank" }, Ct);
        var partner = await created.Content.ReadFromJsonAsync<JsonElement>(Ct);
        var fixture = new Fixture(scenario, scenario.Client(partner.GetProperty("apiKey").GetString()!), partner.GetProperty("id").GetGuid(), disconnected, twice, never);
        await WaitForAsync(fixture, twice, "2024-01-01", "yes");
        return fixture;
    }

    private static async Task AddToRegisterAsync(Scenario scenario, params (string Msisdn, DateOnly Day)[] entries)
    {
        await using var db = scenario.Database.CreateContext();
        foreach (var (msisdn, day) in entries)
            db.Disconnections.Add(Disconnection.Record(Msisdn.Create(msisdn).Value, day, DisconnectionSource.Import, DateTimeOffset.UtcNow).Value);
        await db.SaveChangesAsync(Ct);
    }

    private static async Task<string> ResultAsync(HttpClient partner, string msisdn, string since) =>
        (await partner.GetFromJsonAsync<JsonElement>($"/api/v1/reassigned-numbers/{Uri.EscapeDataString(msisdn)}?since={since}", Ct)).GetProperty("result").GetString()!;

    private static async Task WaitForAsync(Fixture f, string msisdn, string since, string expected)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (true)
        {
            using var response = await f.Partner.GetAsync($"/api/v1/reassigned-numbers/{Uri.EscapeDataString(msisdn)}?since={since}", Ct);
            if (response.IsSuccessStatusCode && (await response.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("result").GetString() == expected)
                return;
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"{msisdn} since {since} never became {expected}");
            await Task.Delay(50, Ct);
        }
    }

    [Theory]
    [MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task Single_YesNoNoData_AndNewEntriesVisibleWithinASecond(DatabaseProvider provider)
    {
        await using var f = await StartAsync(postgres, provider);

        Assert.Equal("yes", await ResultAsync(f.Partner, f.Disconnected, "2023-06-15"));
        Assert.Equal("yes", await ResultAsync(f.Partner, f.Disconnected, "2022-01-01"));
        Assert.Equal("no", await ResultAsync(f.Partner, f.Disconnected, "2023-06-16"));
        Assert.Equal("yes", await ResultAsync(f.Partner, f.Twice, "2023-01-01"));
        Assert.Equal("no", await ResultAsync(f.Partner, f.Never, "2020-01-01"));
        Assert.Equal("no_data", await ResultAsync(f.Partner, f.Disconnected, "2019-12-31"));

        await AddToRegisterAsync(f.Scenario, (f.Never, DateOnly.FromDateTime(DateTime.UtcNow)));
        var stopwatch = System.Diagnostics.Stopwatch.StartNew();
        await WaitForAsync(f, f.Never, "2020-01-01", "yes");
        Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(2), $"took {stopwatch.Elapsed}");
    }

    [Fact]
    public async Task Single_BadInputAndWrongCallers_AreRefused()
    {
        await using var f = await StartAsync(postgres);

        using var badNumber = await f.Partner.GetAsync("/api/v1/reassigned-numbers/13800000000?since=2023-01-01", Ct);
        Assert.Equal(HttpStatusCode.BadRequest, badNumber.StatusCode);
        Assert.Equal("invalid_msisdn", (await badNumber.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("code").GetString());
        using var badDate = await f.Partner.GetAsync($"/api/v1/reassigned-numbers/{Uri.EscapeDataString(f.Never)}?since=2023-02-30", Ct);
        Assert.Equal("invalid_date", (await badDate.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("code").GetString());
        using var noDate = await f.Partner.GetAsync($"/api/v1/reassigned-numbers/{Uri.EscapeDataString(f.Never)}", Ct);
        Assert.Equal(HttpStatusCode.BadRequest, noDate.StatusCode);
        using var anonymous = await f.Scenario.Anonymous.GetAsync($"/api/v1/reassigned-numbers/{Uri.EscapeDataString(f.Never)}?since=2023-01-01", Ct);
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        var customer = await f.Scenario.CustomerAsync(f.Scenario.CustomerA);
        using var notAPartner = await customer.GetAsync($"/api/v1/reassigned-numbers/{Uri.EscapeDataString(f.Never)}?since=2023-01-01", Ct);
        Assert.True(notAPartner.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task Batch_AnswersInOrder_BadQueriesGetTheirOwnError_LimitEnforced_UsageMetered()
    {
        await using var f = await StartAsync(postgres);

        using var response = await f.Partner.PostAsJsonAsync("/api/v1/reassigned-numbers/query", new
        {
            queries = new object[]
            {
                new { msisdn = f.Disconnected, since = "2023-01-01" },
                new { msisdn = "not-a-number", since = "2023-01-01" },
                new { msisdn = f.Never, since = "2023-01-01" },
                new { msisdn = f.Twice, since = "2019-01-01" },
                new { msisdn = f.Twice, since = "20240101" },
            },
        }, Ct);
        var results = (await response.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("results").EnumerateArray().ToList();
        Assert.Equal(["yes", null, "no", "no_data", null], results.Select(r => r.GetProperty("result").GetString()));
        Assert.Equal("invalid_msisdn", results[1].GetProperty("error").GetProperty("code").GetString());
        Assert.Equal("invalid_date", results[4].GetProperty("error").GetProperty("code").GetString());

        var tooMany = Enumerable.Range(0, ReassignedNumbers.MaxBatch + 1).Select(_ => new { msisdn = f.Never, since = "2023-01-01" }).ToArray();
        using var refused = await f.Partner.PostAsJsonAsync("/api/v1/reassigned-numbers/query", new { queries = tooMany }, Ct);
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);

        await f.Scenario.Host.Services.GetRequiredService<PartnerMeter>().FlushAsync(Ct);
        await using var db = f.Scenario.Database.CreateContext();
        var usage = await db.PartnerUsage.AsNoTracking().SingleAsync(u => u.PartnerId == f.PartnerId, Ct);
        Assert.True(usage.Queries >= 5, $"metered {usage.Queries}");
    }

    [Theory]
    [MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task Csv_StreamsAnswersRowByRow_IncludingBadRows_AndLargeBodies(DatabaseProvider provider)
    {
        await using var f = await StartAsync(postgres, provider);
        var body = $"msisdn,since\r\n{f.Disconnected},2023-01-01\r\n{f.Never},2023-01-01\r\nbad,2023-01-01\r\n{f.Twice},2019-06-01\r\n{f.Twice},2024-13-01\r\n{f.Disconnected}\n";
        using var small = await f.Partner.PostAsync("/api/v1/reassigned-numbers/query.csv", new StringContent(body, Encoding.UTF8, "text/csv"), Ct);
        Assert.Equal(HttpStatusCode.OK, small.StatusCode);
        var lines = (await small.Content.ReadAsStringAsync(Ct)).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(
        [
            "msisdn,since,result",
            $"{f.Disconnected},2023-01-01,yes",
            $"{f.Never},2023-01-01,no",
            "bad,2023-01-01,error:invalid_msisdn",
            $"{f.Twice},2019-06-01,no_data",
            $"{f.Twice},2024-13-01,error:invalid_date",
            $"{f.Disconnected},,error:invalid_row",
        ], lines);

        // Every third row's text names its place, so a chunk of rows answered out of order cannot go unseen.
        const int rows = 200_000;
        string Expected(int i) => (i % 3) switch
        {
            0 => $"{f.Disconnected},2023-01-01,yes",
            1 => $"{f.Never},2023-01-01,no",
            _ => $"row{i},2023-01-01,error:invalid_msisdn",
        };
        var large = new StringBuilder(rows * 30).Append("msisdn,since\n");
        for (var i = 0; i < rows; i++)
            large.Append(Expected(i).AsSpan(0, Expected(i).LastIndexOf(','))).Append('\n');
        using var content = new StreamContent(new MemoryStream(Encoding.UTF8.GetBytes(large.ToString())));
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("text/csv");
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/reassigned-numbers/query.csv") { Content = content };
        using var streamed = await f.Partner.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, Ct);
        using var reader = new StreamReader(await streamed.Content.ReadAsStreamAsync(Ct));
        Assert.Equal("msisdn,since,result", await reader.ReadLineAsync(Ct));
        // Every row answered whole and in order, also the many that arrive split across the body's segments.
        var count = 0;
        while (await reader.ReadLineAsync(Ct) is { } line)
        {
            var expected = Expected(count);
            if (line != expected)
                Assert.Fail($"row {count + 1}: {line}, expected {expected}");
            count++;
        }
        Assert.Equal(rows, count);
    }

    [Fact]
    public async Task Csv_PostsAtOnce_AndOneAbandonedMidBody_EachOtherGetsItsOwnRowsInOrder()
    {
        await using var f = await StartAsync(postgres);
        // A client that goes away while its rows are being answered: its chunks' buffers go back to the shared pool only
        // once nothing writes them, so the posts after it (and beside it) get their own rows, whole and in order.
        using (var abandon = CancellationTokenSource.CreateLinkedTokenSource(Ct))
        {
            using var content = new StreamContent(new AbandonedBody(f.Disconnected, abandon));
            content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("text/csv");
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => f.Partner.PostAsync("/api/v1/reassigned-numbers/query.csv", content, abandon.Token));
        }

        async Task PostAsync(int post)
        {
            const int rows = 30_000;
            var body = new StringBuilder(rows * 30);
            for (var i = 0; i < rows; i++)
                body.Append(i % 2 == 0 ? f.Disconnected : $"post{post}row{i}").Append(",2023-01-01\n");
            using var response = await f.Partner.PostAsync("/api/v1/reassigned-numbers/query.csv", new StringContent(body.ToString(), Encoding.UTF8, "text/csv"), Ct);
            var lines = (await response.Content.ReadAsStringAsync(Ct)).Split('\n', StringSplitOptions.RemoveEmptyEntries);
            Assert.Equal(rows + 1, lines.Length);
            for (var i = 0; i < rows; i++)
            {
                var expected = i % 2 == 0 ? $"{f.Disconnected},2023-01-01,yes" : $"post{post}row{i},2023-01-01,error:invalid_msisdn";
                if (lines[i + 1] != expected)
                    Assert.Fail($"post {post}, row {i + 1}: {lines[i + 1]}, expected {expected}");
            }
        }
        await Task.WhenAll(Enumerable.Range(0, 4).Select(PostAsync));
    }

    /// <summary>A CSV body that sends many rows, then cancels its request instead of ending.</summary>
    private sealed class AbandonedBody(string msisdn, CancellationTokenSource abandon) : Stream
    {
        private readonly byte[] _row = Encoding.ASCII.GetBytes($"{msisdn},2023-01-01\n");
        private int _sent;

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            if (_sent == 100_000)
            {
                await abandon.CancelAsync();
                throw new OperationCanceledException(abandon.Token);
            }
            var rows = Math.Min(buffer.Length / _row.Length, 100_000 - _sent);
            for (var i = 0; i < rows; i++)
                _row.CopyTo(buffer[(i * _row.Length)..]);
            _sent += rows;
            return rows * _row.Length;
        }

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }

    [Fact]
    public async Task Camara_CheckAndItsErrorFormat()
    {
        await using var f = await StartAsync(postgres);
        async Task<(HttpStatusCode Status, JsonElement Body)> CheckAsync(HttpClient client, object body)
        {
            using var response = await client.PostAsJsonAsync("/number-recycling/v0.2/check", body, Ct);
            return (response.StatusCode, await response.Content.ReadFromJsonAsync<JsonElement>(Ct));
        }

        var recycled = await CheckAsync(f.Partner, new { phoneNumber = f.Disconnected, specifiedDate = "2023-01-01" });
        Assert.Equal(HttpStatusCode.OK, recycled.Status);
        Assert.True(recycled.Body.GetProperty("phoneNumberRecycled").GetBoolean());
        var kept = await CheckAsync(f.Partner, new { phoneNumber = f.Never, specifiedDate = "2023-01-01" });
        Assert.False(kept.Body.GetProperty("phoneNumberRecycled").GetBoolean());

        var missing = await CheckAsync(f.Partner, new { specifiedDate = "2023-01-01" });
        Assert.Equal((HttpStatusCode)422, missing.Status);
        Assert.Equal("MISSING_IDENTIFIER", missing.Body.GetProperty("code").GetString());
        Assert.Equal(422, missing.Body.GetProperty("status").GetInt32());
        var invalid = await CheckAsync(f.Partner, new { phoneNumber = "0138", specifiedDate = "2023-01-01" });
        Assert.Equal("INVALID_ARGUMENT", invalid.Body.GetProperty("code").GetString());
        var early = await CheckAsync(f.Partner, new { phoneNumber = f.Never, specifiedDate = "2019-01-01" });
        Assert.Equal(HttpStatusCode.BadRequest, early.Status);
        Assert.Equal("OUT_OF_RANGE", early.Body.GetProperty("code").GetString());
        var anonymous = await CheckAsync(f.Scenario.Anonymous, new { phoneNumber = f.Never, specifiedDate = "2023-01-01" });
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.Status);
        Assert.Equal("UNAUTHENTICATED", anonymous.Body.GetProperty("code").GetString());
    }

    [Theory]
    [MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task Usage_CountsQueriesAndRequestsPerDay_ForThePartnerAndItsAdmin(DatabaseProvider provider)
    {
        await using var f = await StartAsync(postgres, provider);
        var admin = await f.Scenario.StaffAsync("admin");
        static (long Queries, long Requests) Totals(JsonElement report) =>
            (report.GetProperty("totalQueries").GetInt64(), report.GetProperty("totalRequests").GetInt64());
        var before = Totals(await f.Partner.GetFromJsonAsync<JsonElement>("/api/v1/partner/usage", Ct));

        for (var i = 0; i < 3; i++)
            await ResultAsync(f.Partner, f.Never, "2024-01-01");
        using (var batch = await f.Partner.PostAsJsonAsync("/api/v1/reassigned-numbers/query",
            new { queries = new[] { new { msisdn = f.Never, since = "2024-01-01" }, new { msisdn = f.Twice, since = "2024-01-01" } } }, Ct))
            batch.EnsureSuccessStatusCode();

        var mine = await f.Partner.GetFromJsonAsync<JsonElement>("/api/v1/partner/usage", Ct);
        var theirs = await admin.GetFromJsonAsync<JsonElement>($"/api/v1/admin/partners/{f.PartnerId}/usage", Ct);
        Assert.Equal((before.Queries + 5, before.Requests + 4), Totals(mine));
        Assert.Equal(Totals(mine), Totals(theirs));
        var today = DateOnly.FromDateTime(DateTime.UtcNow).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(today, mine.GetProperty("days").EnumerateArray().Last().GetProperty("date").GetString());
        Assert.DoesNotContain(f.Never, mine.GetRawText(), StringComparison.Ordinal);

        using var badRange = await f.Partner.GetAsync("/api/v1/partner/usage?from=2026-02-01&to=2026-01-01", Ct);
        Assert.Equal(HttpStatusCode.BadRequest, badRange.StatusCode);
        using var unknown = await admin.GetAsync($"/api/v1/admin/partners/{Guid.NewGuid()}/usage", Ct);
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
    }
}
