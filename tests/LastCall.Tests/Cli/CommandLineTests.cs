using LastCall.Data;
using LastCall.TestSupport;
using Microsoft.EntityFrameworkCore;

namespace LastCall.Tests.Cli;

/// <summary>The operator's verbs, run as the real executable in its own process.</summary>
public sealed class CommandLineTests(PostgresCluster postgres)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Migrate_FreshEmbeddedDefault_CreatesDatabaseInDataFolder()
    {
        using var database = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite, postgres, migrate: false);
        var dataFolder = Path.Combine(database.DataFolder, "fresh");

        var result = await RunAsync(database.DataFolder, "migrate", "--DataFolder", dataFolder);

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("up to date", result.Output, StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(dataFolder, "lastcall.db")));
    }

    [Fact]
    public async Task Migrate_Postgres_AppliesEveryMigration()
    {
        using var database = await TestDatabase.CreateAsync(DatabaseProvider.Postgres, postgres, migrate: false);

        var result = await RunAsync(database.DataFolder, "migrate", "--Database:Provider", "Postgres", "--ConnectionStrings:LastCall", database.ConnectionString, "--Security:MasterKey", database.MasterKey);

        Assert.Equal(0, result.ExitCode);
        await using var db = database.CreateContext();
        Assert.Empty(await db.Database.GetPendingMigrationsAsync(Ct));
    }

    [Fact]
    public async Task ImportSubscribers_FreshEmbeddedDefault_MigratesImportsAndReportsBadRows()
    {
        using var database = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite, postgres, migrate: false);
        var n = TestData.Next();
        var file = Path.Combine(database.DataFolder, "subscribers.csv");
        await File.WriteAllLinesAsync(file, [TestData.Header, TestData.Row(n), TestData.Row(n + 1, msisdn: "13800000000"), TestData.Row(n + 2)], Ct);

        var result = await RunAsync(database.DataFolder, "import", "subscribers", file, "--DataFolder", database.DataFolder);

        Assert.Equal(3, result.ExitCode);
        Assert.Contains("imported 2, rejected 1", result.Output, StringComparison.Ordinal);
        Assert.Contains("row 3: invalid_msisdn", result.Error, StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(database.DataFolder, "master.key")), "The embedded default generates its development key.");
        await using var db = database.CreateContext();
        Assert.Equal(2, await db.Lines.CountAsync(Ct));
        var imported = await db.AuditEvents.AsNoTracking().SingleAsync(e => e.Action == "subscribers.imported", Ct);
        Assert.Contains("\"source\":\"cli\"", imported.After, StringComparison.Ordinal);
        Assert.Contains("\"imported\":2", imported.After, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task ImportSubscribers_AllGood_ExitsZero_AndPrintsPlainProgressWhenRedirected()
    {
        using var database = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite, postgres, migrate: false);
        var file = Path.Combine(database.DataFolder, "subscribers.csv");
        await File.WriteAllLinesAsync(file, [TestData.Header, TestData.Row(TestData.Next())], Ct);

        var result = await RunAsync(database.DataFolder, "import", "subscribers", file, "--DataFolder", database.DataFolder);

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("imported 1, rejected 0", result.Output, StringComparison.Ordinal);
        Assert.Contains("progress: 1 rows", result.Error, StringComparison.Ordinal);
        Assert.DoesNotContain('\r', result.Error);
    }

    [Fact]
    public async Task ImportSubscribers_MissingFile_ExitsOneWithMessage()
    {
        using var database = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite, postgres, migrate: false);

        var result = await RunAsync(database.DataFolder, "import", "subscribers", "/no/such/file.csv", "--DataFolder", database.DataFolder);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("no such file: /no/such/file.csv", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ImportSubscribers_PostgresNotMigrated_RefusesWithAdvice()
    {
        using var database = await TestDatabase.CreateAsync(DatabaseProvider.Postgres, postgres, migrate: false);
        var file = Path.Combine(database.DataFolder, "subscribers.csv");
        await File.WriteAllLinesAsync(file, [TestData.Header, TestData.Row(TestData.Next())], Ct);

        var result = await RunAsync(database.DataFolder, "import", "subscribers", file, "--Database:Provider", "Postgres", "--ConnectionStrings:LastCall", database.ConnectionString, "--Security:MasterKey", database.MasterKey);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("lastcall migrate", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ImportSubscribers_WithASettingOutOfRange_NamesIt_AndTouchesNothing()
    {
        using var database = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite, postgres, migrate: false);
        var file = Path.Combine(database.DataFolder, "subscribers.csv");
        await File.WriteAllLinesAsync(file, [TestData.Header, TestData.Row(TestData.Next())], Ct);

        var result = await LastCallProcess.RunInProcessAsync(database.DataFolder, null,
            "import", "subscribers", file, "--DataFolder", database.DataFolder, "--Import:HeapLimitMegabytes", "-1");

        Assert.Equal(1, result.ExitCode);
        Assert.StartsWith("lastcall: ", result.Error, StringComparison.Ordinal);
        Assert.Contains("HeapLimitMegabytes", result.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", result.Error, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(database.DataFolder, "lastcall.db")), "nothing was created or migrated");
    }

    [Fact]
    public async Task UnknownVerb_PrintsUsage_ExitsTwo()
    {
        var result = await RunAsync(Path.GetTempPath(), "frobnicate");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("usage: lastcall", result.Error, StringComparison.Ordinal);
    }

    private static Task<LastCallProcess.Result> RunAsync(string workingDirectory, params string[] arguments) =>
        LastCallProcess.RunAsync(workingDirectory, arguments);
}
