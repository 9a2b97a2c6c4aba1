using System.Diagnostics;
using LastCall.Data;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace LastCall.TestSupport;

/// <summary>
/// A throwaway PostgreSQL cluster for the whole test run (an assembly fixture of the test project): initdb into a temporary folder, pg_ctl start
/// (as the postgres user via runuser when the run is root), one fresh database per test (a migrated one is
/// copied from a template migrated once per run), stopped and
/// deleted at the end. It listens on a Unix socket in its own folder and on no TCP port, so no other
/// process on a busy machine can take its address. Missing binaries fail the run: these tests never skip.
/// A fault test starts a cluster of its own and stops and starts it (<see cref="StopAsync"/>).
/// </summary>
public sealed class PostgresCluster : IAsyncLifetime
{
    /// <summary>Only names the socket file (.s.PGSQL.5432) in the cluster's private folder; no TCP port is bound.</summary>
    private const int SocketPort = 5432;

    private string _folder = "";
    private string _binaries = "";
    private bool _started;

    public string AdminConnectionString => $"Host={_folder};Port={SocketPort};Username=postgres;Database=postgres;Pooling=false";

    /// <summary>The folder holding the socket, for tools such as psql and pg_dump (<c>-h</c>).</summary>
    public string SocketFolder => _folder;

    private string DataFolder => Path.Combine(_folder, "data");

    /// <summary>The port that names the socket file (tools take it with <c>-p</c> beside <c>-h</c> <see cref="SocketFolder"/>).</summary>
    public static int Port => SocketPort;

    /// <summary>The cluster's own folder, writable by the postgres user: where its tools may write files (a pg_dump archive).</summary>
    public string Folder => _folder;

    public async ValueTask InitializeAsync()
    {
        _binaries = FindBinaries();
        _folder = Path.Combine(Path.GetTempPath(), "lastcall-pg-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(_folder);
        if (Environment.IsPrivilegedProcess)
            await RunAsync("chown", ["postgres:postgres", _folder]);
        await RunAsPostgresAsync("initdb", ["-D", DataFolder, "-U", "postgres", "-A", "trust", "-E", "UTF8", "--no-locale", "--no-sync"]);
        await StartAsync();
    }

    /// <summary>Starts the server (again) and waits until it accepts connections.</summary>
    public async Task StartAsync()
    {
        // No autovacuum: a run creates hundreds of short-lived databases, and the launcher starts a worker in each of them
        // in turn (every naptime divided by their number), which cost about 15 s of the server's CPU in a whole run (101
        // against 86 s, measured from /proc) and vacuumed nothing a test reads. A test that needs statistics runs ANALYZE.
        var serverOptions = $"-p {SocketPort} -k {_folder} -c listen_addresses='' -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=1000 -c autovacuum=off";
        await RunAsPostgresAsync("pg_ctl", ["-D", DataFolder, "-l", Path.Combine(_folder, "server.log"), "-o", serverOptions, "-w", "-t", "60", "start"]);
        _started = true;
    }

    /// <summary>Stops the server the way a patch restart does (fast: sessions are ended, connections refused until started).</summary>
    public async Task StopAsync()
    {
        await RunAsPostgresAsync("pg_ctl", ["-D", DataFolder, "-m", "fast", "-w", "-t", "60", "stop"]);
        _started = false;
    }

    /// <summary>The database every migrated test database is copied from: migrated once per run (<see cref="CreateDatabaseAsync"/>).</summary>
    private const string TemplateName = "lastcall_template";

    private readonly SemaphoreSlim _templateGate = new(1, 1);
    private bool _templateReady;

    /// <summary>
    /// Creates a database and returns its connection string: empty, or (<paramref name="migrated"/>) a copy of a
    /// template migrated once per run, which is what migrating a new database would give, for a fraction of the CPU.
    /// </summary>
    public async Task<string> CreateDatabaseAsync(bool migrated = false)
    {
        if (migrated)
            await EnsureTemplateAsync();
        var name = "lastcall_test_" + Guid.NewGuid().ToString("N")[..16];
        // FILE_COPY copies the template's files instead of writing every page of it (catalogs included) to the WAL, as the
        // default WAL_LOG does: with fsync off its two checkpoints cost little, and a copy takes about half the server's CPU
        // (measured: 57 against 130 ms per database, and a run creates hundreds).
        await ExecuteAdminAsync($"CREATE DATABASE {name}{(migrated ? $" TEMPLATE {TemplateName}" : "")} STRATEGY FILE_COPY");
        return ConnectionString(name);
    }

    /// <summary>
    /// A test database's connection string. Test databases are never dropped and every test host keeps its own pool, so
    /// idle connections are closed after a few seconds (Npgsql keeps them 300 s by default): a long run on a busy machine
    /// would otherwise gather hundreds of idle sessions and be refused with "too many clients".
    /// </summary>
    private string ConnectionString(string database) =>
        $"Host={_folder};Port={SocketPort};Username=postgres;Database={database};Connection Idle Lifetime=5;Connection Pruning Interval=1";

    private async Task EnsureTemplateAsync()
    {
        if (_templateReady)
            return;
        await _templateGate.WaitAsync();
        try
        {
            if (_templateReady)
                return;
            await ExecuteAdminAsync($"CREATE DATABASE {TemplateName}");
            // No pooling: a copy needs the template without open connections.
            var options = new DbContextOptionsBuilder<AppDbContext>();
            options.UseLastCallDatabase(DatabaseProvider.Postgres, ConnectionString(TemplateName) + ";Pooling=false");
            await using (var db = new AppDbContext(options.Options))
                await db.Database.MigrateAsync();
            _templateReady = true;
        }
        finally
        {
            _templateGate.Release();
        }
    }

    private async Task ExecuteAdminAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(AdminConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    public async ValueTask DisposeAsync()
    {
        _templateGate.Dispose();
        if (_started)
            await RunAsPostgresAsync("pg_ctl", ["-D", DataFolder, "-m", "immediate", "-w", "stop"]);
        if (_folder.Length > 0 && Directory.Exists(_folder))
            Directory.Delete(_folder, recursive: true);
    }

    private static string FindBinaries()
    {
        var candidates = new List<string>();
        if (Environment.GetEnvironmentVariable("LASTCALL_PG_BIN") is { Length: > 0 } configured)
            candidates.Add(configured);
        candidates.Add("/usr/lib/postgresql/15/bin");
        if (Directory.Exists("/usr/lib/postgresql"))
            candidates.AddRange(Directory.GetDirectories("/usr/lib/postgresql").OrderDescending().Select(d => Path.Combine(d, "bin")));
        return candidates.FirstOrDefault(d => File.Exists(Path.Combine(d, "initdb")))
            ?? throw new InvalidOperationException("PostgreSQL server binaries (initdb, pg_ctl) were not found under /usr/lib/postgresql/*/bin. Run .ci/run, or `apt-get install postgresql`, or set LASTCALL_PG_BIN.");
    }

    /// <summary>Runs one of the server's tools (pg_dump, pg_restore, …) as the postgres user; fails on a non-zero exit.</summary>
    public Task RunAsPostgresAsync(string tool, string[] arguments) =>
        Environment.IsPrivilegedProcess
            ? RunAsync("runuser", ["-u", "postgres", "--", Path.Combine(_binaries, tool), .. arguments])
            : RunAsync(Path.Combine(_binaries, tool), arguments);

    private static async Task RunAsync(string file, string[] arguments)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = "/" };
        foreach (var argument in arguments)
            start.ArgumentList.Add(argument);
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"{file} {string.Join(' ', arguments)} failed ({process.ExitCode}): {await error} {await output}");
    }
}
