using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using LastCall.Data;
using LastCall.TestSupport;

namespace LastCall.Tests.Features.Health;

public sealed class HealthAndErrorsTests(PostgresCluster postgres, HealthAndErrorsTests.PlainHost plain) : IClassFixture<HealthAndErrorsTests.PlainHost>
{
    /// <summary>
    /// One host on a SQLite database for the answers that do not depend on the database's state (unknown route, wrong
    /// method, the API document), started on first use and shared by those tests.
    /// </summary>
    public sealed class PlainHost : IAsyncDisposable
    {
        private readonly Lazy<Task<(TestDatabase Database, TestHost Host)>> _started = new(async () =>
        {
            var database = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite, null!);
            return (database, TestHost.Start(database.HostSettings()));
        });

        public async Task<HttpClient> ClientAsync() => (await _started.Value).Host.CreateClient();

        public async ValueTask DisposeAsync()
        {
            if (!_started.IsValueCreated || !_started.Value.IsCompletedSuccessfully)
                return;
            var (database, host) = await _started.Value;
            await host.DisposeAsync();
            database.Dispose();
        }
    }

    [Theory]
    [MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task Health_DatabaseAnswers_LiveAndReady(DatabaseProvider provider)
    {
        using var database = await TestDatabase.CreateAsync(provider, postgres, migrate: false);
        await using var host = TestHost.Start(database.HostSettings());
        using var client = host.CreateClient();

        await host.WaitUntilReadyAsync();
        var live = await client.GetAsync("/health/live", TestContext.Current.CancellationToken);
        var ready = await client.GetAsync("/health/ready", TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, live.StatusCode);
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        Assert.Equal("ready", (await ready.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken)).GetProperty("status").GetString());
    }

    [Fact]
    public async Task Ready_DatabaseGone_Returns503ButLiveStays200()
    {
        using var database = await TestDatabase.CreateAsync(DatabaseProvider.Postgres, postgres);
        var settings = database.HostSettings();
        await using var host = TestHost.Start(settings);
        using var client = host.CreateClient();
        await host.WaitUntilReadyAsync();

        await DropDatabaseAsync(database.ConnectionString);

        var ready = await client.GetAsync("/health/ready", TestContext.Current.CancellationToken);
        var live = await client.GetAsync("/health/live", TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
        Assert.Equal(HttpStatusCode.OK, live.StatusCode);
    }

    [Fact]
    public async Task UnknownRoute_Returns404ProblemWithCode()
    {
        using var client = await plain.ClientAsync();

        var response = await client.GetAsync("/api/v1/no-such-thing", TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken);
        Assert.Equal("not_found", problem.GetProperty("code").GetString());
        Assert.Equal(404, problem.GetProperty("status").GetInt32());
    }

    [Fact]
    public async Task WrongMethod_Returns405ProblemWithCode()
    {
        using var client = await plain.ClientAsync();

        var response = await client.PostAsync("/health/live", null, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.MethodNotAllowed, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken);
        Assert.Equal("method_not_allowed", problem.GetProperty("code").GetString());
    }

    [Fact]
    public async Task OpenApi_DocumentAndBrowsablePage_AreServed()
    {
        using var client = await plain.ClientAsync();

        var document = await client.GetFromJsonAsync<JsonElement>("/openapi/v1.json", TestContext.Current.CancellationToken);
        var page = await client.GetAsync("/api-docs/", TestContext.Current.CancellationToken);

        Assert.Equal("LastCall API", document.GetProperty("info").GetProperty("title").GetString());
        Assert.True(document.GetProperty("paths").TryGetProperty("/health/ready", out _));
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Contains("<title>LastCall API</title>", await page.Content.ReadAsStringAsync(TestContext.Current.CancellationToken), StringComparison.Ordinal);
    }

    private async Task DropDatabaseAsync(string connectionString)
    {
        var name = new Npgsql.NpgsqlConnectionStringBuilder(connectionString).Database;
        Npgsql.NpgsqlConnection.ClearAllPools();
        await using var connection = new Npgsql.NpgsqlConnection(postgres.AdminConnectionString);
        await connection.OpenAsync(TestContext.Current.CancellationToken);
        await using var command = new Npgsql.NpgsqlCommand($"DROP DATABASE {name} WITH (FORCE)", connection);
        await command.ExecuteNonQueryAsync(TestContext.Current.CancellationToken);
    }
}
