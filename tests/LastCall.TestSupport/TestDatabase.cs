using LastCall.Data;
using LastCall.Domain.Cancellations;
using LastCall.Hosting;
using LastCall.Security;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Query;
using Microsoft.Extensions.Configuration;

namespace LastCall.TestSupport;

/// <summary>
/// A fresh, migrated database of one provider for one test: a new SQLite file in its own folder, or a
/// new database in the shared PostgreSQL cluster, each a copy of a template migrated once per run. Also the data
/// folder and master key a host would use.
/// </summary>
public sealed class TestDatabase : IDisposable
{
    private TestDatabase(DatabaseProvider provider, string connectionString, string dataFolder)
    {
        Provider = provider;
        ConnectionString = connectionString;
        DataFolder = dataFolder;
    }

    public DatabaseProvider Provider { get; }

    public string ConnectionString { get; }

    public string DataFolder { get; }

    /// <summary>A fixed key per test database, so hosts and direct checks agree.</summary>
    public string MasterKey { get; } = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));

    public static async Task<TestDatabase> CreateAsync(DatabaseProvider provider, PostgresCluster postgres, bool migrate = true)
    {
        var folder = Path.Combine(Path.GetTempPath(), "lastcall-test-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(folder);
        string connectionString;
        if (provider == DatabaseProvider.Sqlite)
        {
            var file = Path.Combine(folder, "lastcall.db");
            if (migrate)
                File.Copy(await SqliteTemplate.Value, file);
            connectionString = $"Data Source={file};Default Timeout=30";
        }
        else
        {
            connectionString = await postgres.CreateDatabaseAsync(migrated: migrate);
        }
        return new TestDatabase(provider, connectionString, folder);
    }

    /// <summary>
    /// A SQLite file migrated once per run; every migrated test database starts as a copy of it (what migrating
    /// a new file gives, without running the migrations again). Deleted when the run ends.
    /// </summary>
    private static readonly Lazy<Task<string>> SqliteTemplate = new(async () =>
    {
        var folder = Path.Combine(Path.GetTempPath(), "lastcall-template-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(folder);
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            try
            {
                Directory.Delete(folder, recursive: true);
            }
            catch (IOException)
            {
                // The temp folder is cleaned by the OS.
            }
        };
        var file = Path.Combine(folder, "lastcall.db");
        var options = new DbContextOptionsBuilder<AppDbContext>();
        // No pooling: the file is closed (nothing left in a journal) before it is copied.
        options.UseLastCallDatabase(DatabaseProvider.Sqlite, $"Data Source={file};Pooling=False");
        await using (var db = new AppDbContext(options.Options))
            await db.Database.MigrateAsync();
        return file;
    });

    /// <summary>A context for setting up and checking data; <paramref name="interceptors"/> as the host would add them.</summary>
    public AppDbContext CreateContext(params Microsoft.EntityFrameworkCore.Diagnostics.IInterceptor[] interceptors)
    {
        var options = new DbContextOptionsBuilder<AppDbContext>();
        options.UseLastCallDatabase(Provider, ConnectionString);
        options.AddInterceptors(interceptors);
        return new AppDbContext(options.Options);
    }

    /// <summary>This database's contexts as a factory, for a service built by hand in a test.</summary>
    public IDbContextFactory<AppDbContext> Contexts() => new ContextFactory(this);

    private sealed class ContextFactory(TestDatabase database) : IDbContextFactory<AppDbContext>
    {
        public AppDbContext CreateDbContext() => database.CreateContext();
    }

    /// <summary>Puts one cancellation request in the state a test needs (a status, a time) without going through its flow.</summary>
    public async Task SetRequestAsync(Guid id, Action<UpdateSettersBuilder<CancellationRequest>> set)
    {
        await using var db = CreateContext();
        Assert.Equal(1, await db.CancellationRequests.Where(r => r.Id == id).ExecuteUpdateAsync(set, TestContext.Current.CancellationToken));
    }

    /// <summary>A <c>lastcall</c> verb on this database, run inside the test process (<see cref="LastCallProcess.RunInProcessAsync"/>).</summary>
    public Task<LastCallProcess.Result> RunCommandAsync(params string[] arguments) =>
        LastCallProcess.RunInProcessAsync(DataFolder, standardInput: null,
            [.. arguments, "--Database:Provider", Provider.ToString(), "--ConnectionStrings:LastCall", ConnectionString, "--Security:MasterKey", MasterKey, "--DataFolder", DataFolder]);

    /// <summary>Creates a partner with <c>lastcall partners add</c> and returns its API key.</summary>
    public async Task<string> AddPartnerAsync(string name)
    {
        var result = await RunCommandAsync("partners", "add", "--name", name);
        const string prefix = "api key (shown once, store it now): ";
        var line = result.Output.Split('\n').Select(l => l.Trim()).FirstOrDefault(l => l.StartsWith(prefix, StringComparison.Ordinal));
        return result.ExitCode == 0 && line is not null
            ? line[prefix.Length..]
            : throw new InvalidOperationException($"partners add failed ({result.ExitCode}): {result.Output} {result.Error}");
    }

    /// <summary>The configuration a host needs to run on this database.</summary>
    public Dictionary<string, string?> HostSettings() => new()
    {
        ["Database:Provider"] = Provider.ToString(),
        ["ConnectionStrings:LastCall"] = ConnectionString,
        ["DataFolder"] = DataFolder,
        ["Security:MasterKey"] = MasterKey,
        ["DemoData:Load"] = "false",
        ["Database:MigrateOnStartup"] = "true",
        // No load balancer polls a test host's readiness: it stops at once, as the embedded default does (PostgreSQL's
        // default drains 5 s). The shutdown tests set their own drain.
        ["Shutdown:DrainSeconds"] = "0",
        ["Logging:LogLevel:Default"] = "Warning",
        // Approved requests stay approved unless a test runs the execution workers and simulators itself.
        ["Execution:Enabled"] = "false",
        ["Simulators:Embedded"] = "false",
        ["Certificates:SigningKeyPem"] = CertificateKeyPem,
    };

    /// <summary>A P-256 key per test database (the embedded default would generate one into the data folder).</summary>
    public string CertificateKeyPem { get; } = System.Security.Cryptography.ECDsa.Create(System.Security.Cryptography.ECCurve.NamedCurves.nistP256).ExportPkcs8PrivateKeyPem();

    public IdNumberProtector Protector() => new(new KeyRing(Convert.FromBase64String(MasterKey)));

    public LastCallSettings Settings() => LastCallSettings.From(new ConfigurationBuilder().AddInMemoryCollection(HostSettings()).Build());

    public void Dispose()
    {
        // This database's pool only: clearing every pool in the process disposed native connections that other tests
        // were opening at that moment (ObjectDisposedException from SqliteConnection.Open in a CI run).
        if (Provider == DatabaseProvider.Sqlite)
        {
            using var connection = new Microsoft.Data.Sqlite.SqliteConnection(ConnectionString);
            Microsoft.Data.Sqlite.SqliteConnection.ClearPool(connection);
        }
        try
        {
            Directory.Delete(DataFolder, recursive: true);
        }
        catch (IOException)
        {
            // A file still open by a host that is shutting down; the temp folder is cleaned by the OS.
        }
    }
}
