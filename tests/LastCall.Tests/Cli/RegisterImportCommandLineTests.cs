using LastCall.Data;
using LastCall.Domain.Numbers;
using LastCall.TestSupport;
using Microsoft.EntityFrameworkCore;

namespace LastCall.Tests.Cli;

/// <summary><c>lastcall import disconnections</c> on both providers, through the verb's entry point inside the test process.</summary>
public sealed class RegisterImportCommandLineTests(PostgresCluster postgres)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task ImportDisconnections_LoadsGoodRows_ReportsBadOnesByRow_SkipsKnownEntries(DatabaseProvider provider)
    {
        using var database = await TestDatabase.CreateAsync(provider, postgres);
        var a = TestData.Msisdn(TestData.Next());
        var b = TestData.Msisdn(TestData.Next());
        var file = Path.Combine(database.DataFolder, "register.csv");
        await File.WriteAllLinesAsync(file,
        [
            "msisdn,disconnected_on",
            $"{a},2019-03-01",
            $"{a},2023-07-15",
            "13800000000,2020-01-01",
            $"{b},2020-02-30",
            $"{b},2999-01-01",
            $"{b},2021-05-05,extra",
            $"{b},2021-05-05",
            $"{a},2019-03-01",
        ], Ct);

        var first = await RunAsync(database, file);
        var second = await RunAsync(database, file);

        Assert.Equal(3, first.ExitCode);
        Assert.Contains("imported 3, already registered 1, rejected 4", first.Output, StringComparison.Ordinal);
        Assert.Contains("row 4: invalid_msisdn", first.Error, StringComparison.Ordinal);
        Assert.Contains("row 5: invalid_date", first.Error, StringComparison.Ordinal);
        Assert.Contains("row 6: invalid_date", first.Error, StringComparison.Ordinal);
        Assert.Contains("row 7: invalid_row", first.Error, StringComparison.Ordinal);
        Assert.Contains("imported 0, already registered 4, rejected 4", second.Output, StringComparison.Ordinal);

        await using var db = database.CreateContext();
        var entries = await db.Disconnections.AsNoTracking().OrderBy(d => d.Id).ToListAsync(Ct);
        Assert.Equal(3, entries.Count);
        Assert.All(entries, e => Assert.Equal(DisconnectionSource.Import, e.Source));
        Assert.Equal([new DateOnly(2019, 3, 1), new DateOnly(2023, 7, 15)], entries.Where(e => e.Msisdn.Value == a).Select(e => e.DisconnectedOn).Order());
    }

    [Fact]
    public async Task ImportDisconnections_LargeLoadsOnPostgres_BuildTheIndexesAgain_AndStillSkipKnownEntries()
    {
        using var database = await TestDatabase.CreateAsync(DatabaseProvider.Postgres, postgres);
        var a = TestData.Msisdn(TestData.Next());
        var b = TestData.Msisdn(TestData.Next());
        var c = TestData.Msisdn(TestData.Next());
        var file = Path.Combine(database.DataFolder, "register.csv");
        await File.WriteAllLinesAsync(file, ["msisdn,disconnected_on", $"{a},2019-03-01", $"{b},2020-02-01", $"{a},2019-03-01", "bad,2020-01-01"], Ct);
        var later = Path.Combine(database.DataFolder, "register-later.csv");
        await File.WriteAllLinesAsync(later, ["msisdn,disconnected_on", $"{a},2019-03-01", $"{c},2021-06-30", $"{b},2020-02-01"], Ct);

        // Every load counts as large here: the first, into an empty register, is copied straight in and every index built
        // afterwards (decision 0034); the second drops the unique index and builds it again.
        var first = await RunAsync(database, file, "--Register:ImportRebuildIndexFromRows", "1");
        // The later file was never filed by the earlier system: --report has its new entries filed in regulator reports.
        var second = await RunAsync(database, later, "--report", "--Register:ImportRebuildIndexFromRows", "1");

        Assert.Equal(3, first.ExitCode);
        Assert.Contains("imported 2, already registered 1, rejected 1", first.Output, StringComparison.Ordinal);
        Assert.Contains("row 5: invalid_msisdn", first.Error, StringComparison.Ordinal);
        Assert.Equal(0, second.ExitCode);
        Assert.Contains("imported 1 (to be reported), already registered 2, rejected 0", second.Output, StringComparison.Ordinal);

        await using var db = database.CreateContext();
        var entries = await db.Disconnections.AsNoTracking().OrderBy(d => d.Id).ToListAsync(Ct);
        Assert.Equal([a, b, c], entries.Select(e => e.Msisdn.Value));
        Assert.Equal([DisconnectionSource.Import, DisconnectionSource.Import, DisconnectionSource.ReportableImport], entries.Select(e => e.Source));
        Assert.Equal(entries.Count, entries.Select(e => e.Id).Distinct().Count());
        // The unique index is back and enforces the register's rule.
        var duplicate = await Assert.ThrowsAsync<Npgsql.PostgresException>(() => db.Database.ExecuteSqlAsync(
            $"""INSERT INTO disconnections ("Msisdn", "DisconnectedOn", "Source", "RecordedAt") VALUES ({a}, {new DateOnly(2019, 3, 1)}, 'Import', now())""", Ct));
        Assert.Equal("IX_disconnections_Msisdn_DisconnectedOn", duplicate.ConstraintName);
        // A large load is analyzed at once, so readers are planned against the register as it now is.
        var analyzed = await db.Database.SqlQueryRaw<DateTimeOffset?>("SELECT last_analyze AS \"Value\" FROM pg_stat_user_tables WHERE relname = 'disconnections'").SingleAsync(Ct);
        Assert.NotNull(analyzed);
    }

    [Fact]
    public async Task ImportDisconnections_WrongHeader_ExitsOneAndLoadsNothing()
    {
        using var database = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite, postgres);
        var file = Path.Combine(database.DataFolder, "register.csv");
        await File.WriteAllLinesAsync(file, ["number,date", $"{TestData.Msisdn(TestData.Next())},2020-01-01"], Ct);

        var result = await RunAsync(database, file);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("invalid_header", result.Error, StringComparison.Ordinal);
        await using var db = database.CreateContext();
        Assert.False(await db.Disconnections.AnyAsync(Ct));
    }

    private static Task<LastCallProcess.Result> RunAsync(TestDatabase database, string file, params string[] extraSettings)
    {
        string[] settings = database.Provider == DatabaseProvider.Postgres
            ? ["--Database:Provider", "Postgres", "--ConnectionStrings:LastCall", database.ConnectionString, "--Security:MasterKey", database.MasterKey, "--DataFolder", database.DataFolder]
            : ["--DataFolder", database.DataFolder, "--Security:MasterKey", database.MasterKey];
        return LastCallProcess.RunInProcessAsync(database.DataFolder, null, ["import", "disconnections", file, .. settings, .. extraSettings]);
    }
}
