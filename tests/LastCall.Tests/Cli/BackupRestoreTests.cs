using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using LastCall.Data;
using LastCall.Domain.Common;
using LastCall.Domain.Numbers;
using LastCall.TestSupport;
using Npgsql;

namespace LastCall.Tests.Cli;

/// <summary>
/// docs/operations.md, Backup and restore, done as an operator would while the server runs — SQLite with
/// <c>lastcall backup</c>, PostgreSQL with <c>pg_dump -Fc</c> / <c>pg_restore</c> — into a fresh database, on which
/// a new host with the execution workers on continues: the audit chain verifies, the partner lookup knows the
/// disconnected number, and the cancellation that was approved but not yet run completes.
/// </summary>
public sealed class BackupRestoreTests(PostgresCluster postgres)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task BackupWhileRunning_RestoredIntoFreshDatabase_AuditLookupAndPendingCancellationContinue(DatabaseProvider provider)
    {
        // A running host (execution off) with a register entry, a partner, an approved cancellation not yet run, and their audit entries.
        await using var scenario = await Scenario.StartAsync(postgres, provider);
        var disconnected = TestData.Msisdn(TestData.Next());
        await using (var db = scenario.Database.CreateContext())
        {
            db.Disconnections.Add(Disconnection.Record(Msisdn.Create(disconnected).Value, new DateOnly(2023, 6, 15), DisconnectionSource.Import, DateTimeOffset.UtcNow).Value);
            await db.SaveChangesAsync(Ct);
        }
        var admin = await scenario.StaffAsync("admin");
        using var created = await admin.PostAsJsonAsync("/api/v1/admin/partners", new { name = "Example Bank" }, Ct);
        created.EnsureSuccessStatusCode();
        var partnerKey = (await created.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("apiKey").GetString()!;
        var clerk = await scenario.StaffAsync("clerk");
        var line = scenario.CustomerA;
        using var submitted = await clerk.PostAsJsonAsync("/api/v1/cancellations", new { msisdn = line.Msisdn, identityCheck = new { method = "in_person_id", idNumber = line.IdNumber } }, Ct);
        submitted.EnsureSuccessStatusCode();
        var request = await submitted.Content.ReadFromJsonAsync<JsonElement>(Ct);
        Assert.Equal("approved", request.GetProperty("status").GetString());
        var id = request.GetProperty("id").GetGuid();

        using var restored = await TestDatabase.CreateAsync(provider, postgres, migrate: false);
        if (provider == DatabaseProvider.Sqlite)
            await BackUpAndRestoreSqliteAsync(scenario.Database, restored);
        else
            await DumpAndRestorePostgresAsync(scenario.Database, restored);

        // A new host on the restored database, with the same keys, runs what the old one left pending.
        var settings = scenario.Database.HostSettings();
        settings["DataFolder"] = restored.DataFolder;
        settings["ConnectionStrings:LastCall"] = restored.ConnectionString;
        settings["Execution:Enabled"] = "true";
        settings["Simulators:Embedded"] = "true";
        settings["Execution:PollMilliseconds"] = "100";
        await using var host = TestHost.Start(settings);
        using var partner = Client(host, partnerKey);
        await Eventually.TrueAsync(async () => await LookupAsync(partner, disconnected, "2023-01-01") == "yes", "the partner lookup to answer yes");
        Assert.Equal("no", await LookupAsync(partner, disconnected, "2023-06-16"));
        using var supervisor = Client(host, await StaffTokenAsync(host, "supervisor"));
        await Eventually.TrueAsync(async () => (await supervisor.GetFromJsonAsync<JsonElement>($"/api/v1/cancellations/{id}", Ct)).GetProperty("status").GetString() == "completed",
            "the pending cancellation to complete");

        // The chain runs on across the restore: the old host's entries and the new host's execution.
        var audit = await LastCallProcess.RunInProcessAsync(restored.DataFolder, standardInput: null, "audit", "verify",
            "--Database:Provider", provider.ToString(), "--ConnectionStrings:LastCall", restored.ConnectionString,
            "--Security:MasterKey", scenario.Database.MasterKey, "--DataFolder", restored.DataFolder);
        Assert.True(audit.ExitCode == 0, $"audit verify: {audit.Output} {audit.Error}");
        Assert.Contains("audit chain intact", audit.Output, StringComparison.Ordinal);
    }

    /// <summary><c>lastcall backup</c> of the live database, then the file copied in as the fresh data folder's database.</summary>
    private static async Task BackUpAndRestoreSqliteAsync(TestDatabase live, TestDatabase restored)
    {
        var file = Path.Combine(restored.DataFolder, "backup.db");
        var backup = await BackupAsync(live, file);
        Assert.True(backup.ExitCode == 0, $"backup: {backup.Output} {backup.Error}");
        Assert.Contains("master key", backup.Output, StringComparison.Ordinal);
        Assert.Contains(Path.Combine(live.DataFolder, "documents"), backup.Output, StringComparison.Ordinal);

        // An existing file is replaced only when asked to.
        var again = await BackupAsync(live, file);
        Assert.Equal(1, again.ExitCode);
        Assert.Contains("--force", again.Error, StringComparison.Ordinal);
        var forced = await BackupAsync(live, file, "--force");
        Assert.True(forced.ExitCode == 0, $"backup --force: {forced.Output} {forced.Error}");
        Assert.Empty(Directory.GetFiles(restored.DataFolder, "*.tmp"));

        File.Copy(file, SqlitePath(restored));
    }

    /// <summary>The documented PostgreSQL procedure against the live database: pg_dump -Fc, then pg_restore into a fresh, empty database.</summary>
    private async Task DumpAndRestorePostgresAsync(TestDatabase live, TestDatabase restored)
    {
        // lastcall backup leaves PostgreSQL to its own tools and says which.
        var refused = await BackupAsync(live, Path.Combine(restored.DataFolder, "backup.dump"));
        Assert.Equal(1, refused.ExitCode);
        Assert.Contains("pg_dump", refused.Error, StringComparison.Ordinal);

        var dump = Path.Combine(postgres.Folder, $"lastcall-{Guid.NewGuid():N}.dump");
        var port = PostgresCluster.Port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        await postgres.RunAsPostgresAsync("pg_dump", ["--format=custom", $"--host={postgres.SocketFolder}", $"--port={port}", "--username=postgres", $"--dbname={DatabaseName(live)}", $"--file={dump}"]);
        await postgres.RunAsPostgresAsync("pg_restore", ["--exit-on-error", "--single-transaction", "--no-owner", $"--host={postgres.SocketFolder}", $"--port={port}", "--username=postgres", $"--dbname={DatabaseName(restored)}", dump]);
        File.Delete(dump);
    }

    private static Task<LastCallProcess.Result> BackupAsync(TestDatabase database, string file, params string[] extra) =>
        LastCallProcess.RunAsync(database.DataFolder, ["backup", file, .. extra,
            "--Database:Provider", database.Provider.ToString(), "--ConnectionStrings:LastCall", database.ConnectionString,
            "--Security:MasterKey", database.MasterKey, "--DataFolder", database.DataFolder]);

    private static string SqlitePath(TestDatabase database) => new Microsoft.Data.Sqlite.SqliteConnectionStringBuilder(database.ConnectionString).DataSource;

    private static string DatabaseName(TestDatabase database) => new NpgsqlConnectionStringBuilder(database.ConnectionString).Database!;

    private static HttpClient Client(TestHost host, string bearer)
    {
        var client = host.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        return client;
    }

    private static async Task<string> StaffTokenAsync(TestHost host, string username)
    {
        using var anonymous = host.CreateClient();
        using var response = await anonymous.PostAsJsonAsync("/api/v1/staff/auth/login", new { username, password = Scenario.StaffPassword }, Ct);
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("accessToken").GetString()!;
    }

    private static async Task<string?> LookupAsync(HttpClient partner, string msisdn, string since)
    {
        using var response = await partner.GetAsync($"/api/v1/reassigned-numbers/{Uri.EscapeDataString(msisdn)}?since={since}", Ct);
        return response.IsSuccessStatusCode ? (await response.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("result").GetString() : null;
    }
}
