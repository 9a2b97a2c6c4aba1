using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using LastCall.Data;
using LastCall.Security;
using LastCall.TestSupport;
using Microsoft.EntityFrameworkCore;

namespace LastCall.Tests.Cli;

/// <summary>
/// <c>staff add</c>, <c>partners add</c> and <c>audit verify</c>. The password on standard input goes through the real
/// executable; the other cases run the verbs inside the test process (<see cref="LastCallProcess.RunInProcessAsync"/>).
/// </summary>
public sealed partial class IdentityCommandLineTests(PostgresCluster postgres)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task StaffAdd_PasswordOnStdin_CreatesHashedAccountThatCanSignIn(DatabaseProvider provider)
    {
        // The embedded default creates its database on first use; PostgreSQL must be migrated first.
        using var database = await TestDatabase.CreateAsync(provider, postgres, migrate: provider == DatabaseProvider.Postgres);

        var result = await RunAsync(database, "correct-horse-battery", ["staff", "add", "--username", "first.admin", "--roles", "admin,reviewer"], inProcess: false);

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("created staff account first.admin (admin,reviewer)", result.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("correct-horse-battery", result.Output + result.Error, StringComparison.Ordinal);
        await using var db = database.CreateContext();
        var staff = await db.StaffMembers.SingleAsync(s => s.Username == "first.admin", Ct);
        Assert.StartsWith("pbkdf2-sha256$", staff.PasswordHash, StringComparison.Ordinal);
        Assert.True(SecretHasher.Verify("correct-horse-battery", staff.PasswordHash));
        Assert.Contains(await db.AuditEvents.Select(e => e.Action).ToListAsync(Ct), a => a == "staff.created");
    }

    [Fact]
    public async Task StaffAdd_WeakPassword_ExitsOneAndCreatesNothing()
    {
        using var database = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite, postgres);

        var result = await RunAsync(database, "short", "staff", "add", "--username", "weak", "--roles", "admin");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("weak_password", result.Error, StringComparison.Ordinal);
        await using var db = database.CreateContext();
        Assert.False(await db.StaffMembers.AnyAsync(Ct));
    }

    [Fact]
    public async Task StaffAdd_ClerkWithoutStore_ExitsOne()
    {
        using var database = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite, postgres);

        var result = await RunAsync(database, "correct-horse-battery", "staff", "add", "--username", "clerk1", "--roles", "clerk");

        Assert.Equal(1, result.ExitCode);
        await using var db = database.CreateContext();
        Assert.False(await db.StaffMembers.AnyAsync(Ct));
    }

    [Fact]
    public async Task StaffAdd_MissingRoles_PrintsUsageAndExitsTwo()
    {
        using var database = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite, postgres);

        var result = await RunAsync(database, "correct-horse-battery", "staff", "add", "--username", "x");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("--roles", result.Error, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task PartnersAdd_PrintsKeyOnce_StoresOnlyItsHash(DatabaseProvider provider)
    {
        using var database = await TestDatabase.CreateAsync(provider, postgres);

        var result = await RunAsync(database, null, "partners", "add", "--name", "Example Bank");

        Assert.Equal(0, result.ExitCode);
        var key = ApiKeyPattern().Match(result.Output).Value;
        Assert.StartsWith("lcp_", key, StringComparison.Ordinal);
        await using var db = database.CreateContext();
        var stored = await db.PartnerApiKeys.SingleAsync(Ct);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key))), stored.Hash.ToLowerInvariant());
        Assert.DoesNotContain(key, stored.Hash, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task AuditVerify_IntactThenTampered_ExitsZeroThenOneNamingTheEntry(DatabaseProvider provider)
    {
        using var database = await TestDatabase.CreateAsync(provider, postgres);
        Assert.Equal(0, (await RunAsync(database, null, "partners", "add", "--name", "One")).ExitCode);
        Assert.Equal(0, (await RunAsync(database, null, "partners", "add", "--name", "Two")).ExitCode);
        Assert.Equal(0, (await RunAsync(database, null, "partners", "add", "--name", "Three")).ExitCode);

        var intact = await RunAsync(database, null, "audit", "verify");
        Assert.Equal(0, intact.ExitCode);
        Assert.Contains("audit chain intact: 3 entries", intact.Output, StringComparison.Ordinal);

        await using (var db = database.CreateContext())
            await db.Database.ExecuteSqlRawAsync("""UPDATE audit_events SET "Subject" = 'Forged' WHERE "Sequence" = 2""", Ct);

        var broken = await RunAsync(database, null, "audit", "verify");
        Assert.Equal(1, broken.ExitCode);
        Assert.Contains("audit chain broken at entry 2", broken.Error, StringComparison.Ordinal);
    }

    private static Task<LastCallProcess.Result> RunAsync(TestDatabase database, string? stdin, params string[] verb) =>
        RunAsync(database, stdin, verb, inProcess: true);

    private static Task<LastCallProcess.Result> RunAsync(TestDatabase database, string? stdin, string[] verb, bool inProcess)
    {
        string[] settings = database.Provider == DatabaseProvider.Postgres
            ? ["--Database:Provider", "Postgres", "--ConnectionStrings:LastCall", database.ConnectionString, "--Security:MasterKey", database.MasterKey, "--DataFolder", database.DataFolder]
            : ["--DataFolder", database.DataFolder, "--Security:MasterKey", database.MasterKey];
        return inProcess
            ? LastCallProcess.RunInProcessAsync(database.DataFolder, stdin, [.. verb, .. settings])
            : LastCallProcess.RunAsync(database.DataFolder, stdin, [.. verb, .. settings]);
    }

    [GeneratedRegex(@"lcp_[A-Za-z0-9_\-]+")]
    private static partial Regex ApiKeyPattern();
}
