using System.Text.RegularExpressions;
using LastCall.Data;
using LastCall.DemoData;
using LastCall.Domain.Lines;
using LastCall.Domain.Numbers;
using LastCall.Security;
using LastCall.TestSupport;
using Microsoft.EntityFrameworkCore;

namespace LastCall.Tests.DemoData;

public sealed class DemoDataTests(PostgresCluster postgres)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>The demo file was written against this day; a fixed clock keeps its quarantine cases stable.</summary>
    private static readonly FixedClock DemoDay = new(new DateTimeOffset(2026, 11, 25, 9, 0, 0, TimeSpan.Zero));

    [Theory]
    [MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task DemoFile_ImportsEveryRow_CoveringEveryCase(DatabaseProvider provider)
    {
        using var database = await TestDatabase.CreateAsync(provider, postgres);
        await using var file = File.OpenRead(DemoDataLoader.SubscribersFile);

        var summary = await database.ImportAsync(file, DemoDay);

        Assert.Null(summary.FileError);
        Assert.Empty(summary.Rejected);
        Assert.True(summary.Imported >= 50, $"Only {summary.Imported} demo lines.");

        await using var db = database.CreateContext();
        var lines = await db.Lines.ToListAsync(Ct);
        var accounts = await db.BillingAccounts.ToListAsync(Ct);
        Assert.Contains(accounts, a => a.Arrears > 0);
        Assert.Contains(accounts, a => a.Balance > 0);
        Assert.Contains(lines, l => l.ContractEndsOn > new DateOnly(2026, 11, 25));
        Assert.Contains(lines, l => l.BundleRole == BundleRole.Primary);
        Assert.Contains(lines, l => l.BundleRole == BundleRole.Member && l.BundlePrimary is not null);
        Assert.Contains(lines, l => l.PortState == PortState.PortInPending);
        Assert.Contains(lines, l => l.FraudHold);
        Assert.Contains(lines, l => l.Status == LineStatus.Suspended);
        Assert.Contains(lines, l => l.Status == LineStatus.Barred);
        Assert.Contains(lines, l => l.Profiles.Any(p => p.Role == ProfileRole.Companion) && l.Profiles.Any(p => p.Role == ProfileRole.Primary));
        Assert.Contains(lines.GroupBy(l => l.CustomerId), g => g.Count() >= 3);
        Assert.True(lines.Count(l => l.Status == LineStatus.Cancelled) >= 3);
        Assert.Contains(await db.PoolNumbers.ToListAsync(Ct), p => p.State == NumberState.Quarantined);
        Assert.Contains(await db.PoolNumbers.ToListAsync(Ct), p => p.State == NumberState.Available);
        Assert.Equal(lines.Count(l => l.Status == LineStatus.Cancelled), await db.Disconnections.CountAsync(Ct));
    }

    [Fact]
    public async Task EmbeddedDefault_FirstStart_LoadsDemoDataOnce()
    {
        using var database = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite, postgres, migrate: false);
        var settings = database.HostSettings();
        settings["DemoData:Load"] = "true";
        int firstCount;
        await using (TestHost.Start(settings))
        {
            await using var db = database.CreateContext();
            firstCount = await db.Lines.CountAsync(Ct);
        }
        await using (TestHost.Start(settings))
        {
            await using var db = database.CreateContext();
            Assert.Equal(firstCount, await db.Lines.CountAsync(Ct));
        }
        Assert.True(firstCount >= 50);
    }

    /// <summary>
    /// The demo file carries each service password as its PBKDF2 hash (hashing 64 clear passwords cost a first start
    /// about 20 s of CPU); README.md lists them in clear. Every demo number has its README row, every password in the
    /// file is a hash the import accepts, and a sample of README's passwords verifies against the file (all 64 would
    /// cost the test run the same 20 s).
    /// </summary>
    [Fact]
    public void DemoFile_HashedPasswords_MatchTheReadmeTable()
    {
        var readme = Regex.Matches(File.ReadAllText(Path.Combine(Repository.Root(), "README.md")), @"^\| (\+86\d{11}) \| (\d{6,12}) \|", RegexOptions.Multiline)
            .ToDictionary(m => m.Groups[1].Value, m => m.Groups[2].Value);
        var rows = File.ReadAllLines(DemoDataLoader.SubscribersFile).Skip(1).Where(l => l.Length > 0).Select(l => l.Split(',')).ToList();

        Assert.Equal(rows.Count, readme.Count);
        foreach (var row in rows)
        {
            Assert.True(readme.ContainsKey(row[0]), $"{row[0]} has no row in README.md's demo table.");
            Assert.True(SecretHasher.IsAcceptableHash(row[4]), $"{row[0]}'s service password in the demo file is not an acceptable hash.");
        }
        foreach (var row in new[] { rows[0], rows[rows.Count / 2], rows[^1] })
            Assert.True(SecretHasher.Verify(readme[row[0]], row[4]), $"README.md's password for {row[0]} does not match the demo file.");
    }
}
