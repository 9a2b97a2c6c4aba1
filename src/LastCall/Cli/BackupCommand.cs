using LastCall.Data;
using LastCall.Features.Certificates;
using LastCall.Hosting;
using LastCall.Security;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace LastCall.Cli;

/// <summary>
/// <c>lastcall backup FILE [--force]</c> (docs/operations.md, Backup and restore): copies the embedded SQLite
/// database with SQLite's online backup API, so it is consistent while the server runs, into a temporary file
/// that is checked and then renamed to FILE; an existing FILE is replaced only with <c>--force</c>. The keys and
/// the stored documents are not in the database: it names them, for the operator to keep apart from this file.
/// PostgreSQL is backed up with its own tools; there the verb prints the pg_dump command and exits 1.
/// </summary>
public static class BackupCommand
{
    public static async Task<int> RunAsync(WebApplication host, string file, bool force)
    {
        await using (host)
        {
            var console = host.Services.GetRequiredService<CommandConsole>();
            var settings = host.Services.GetRequiredService<LastCallSettings>();
            var configuration = host.Services.GetRequiredService<IConfiguration>();
            if (settings.Provider == DatabaseProvider.Postgres)
                return await RefuseForPostgresAsync(console, settings, file);

            var target = Path.GetFullPath(file);
            if (File.Exists(target) && !force)
            {
                await console.Error.WriteLineAsync($"lastcall: {target} exists; pass --force to replace it.");
                return CommandLine.Failure;
            }
            var source = new SqliteConnectionStringBuilder(settings.ConnectionString);
            if (!File.Exists(source.DataSource))
            {
                await console.Error.WriteLineAsync($"lastcall: there is no database at {source.DataSource} to back up.");
                return CommandLine.Failure;
            }

            // Beside the target, so the rename is atomic and a failed run never leaves a half-written FILE.
            var temporary = Path.Combine(Path.GetDirectoryName(target)!, $".{Path.GetFileName(target)}.{Guid.NewGuid():N}.tmp");
            try
            {
                Copy(source.ConnectionString, temporary);
                File.Move(temporary, target, overwrite: force);
            }
            finally
            {
                if (File.Exists(temporary))
                    File.Delete(temporary);
            }

            console.Out.WriteLine($"Backed up the SQLite database {source.DataSource} to {target} ({new FileInfo(target).Length} bytes).");
            console.Out.WriteLine("Not in this file: back these up too, and keep the keys apart from the database backups:");
            console.Out.WriteLine(string.IsNullOrWhiteSpace(configuration["Security:MasterKey"])
                ? $"  the master key: {Path.Combine(settings.DataFolder, KeyRing.MasterKeyFileName)}"
                : "  the master key: Security:MasterKey from your configuration");
            console.Out.WriteLine(string.IsNullOrWhiteSpace(configuration[CertificateSigner.SigningKeyPemSetting])
                ? $"  the certificate signing key: {Path.Combine(settings.DataFolder, CertificateSigner.SigningKeyFileName)}"
                : $"  the certificate signing key: {CertificateSigner.SigningKeyPemSetting} (and {CertificateSigner.RetiredPublicKeyPemsSetting}) from your configuration");
            console.Out.WriteLine($"  the uploaded ID documents: {Path.Combine(settings.DataFolder, "documents")} (copy it after this backup; its files never change once written)");
            return CommandLine.Ok;
        }
    }

    private static void Copy(string sourceConnectionString, string destination)
    {
        using var source = new SqliteConnection(sourceConnectionString);
        using var copy = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = destination, Pooling = false }.ConnectionString);
        source.Open();
        copy.Open();
        // A running host writes all the time (the audit sealer every 100 ms) and checkpoints its WAL, so the backup can
        // find the database busy for a moment: SQLite's own busy handler waits for the lock, up to 20 s.
        using (var wait = source.CreateCommand())
        {
            wait.CommandText = "PRAGMA busy_timeout = 20000;";
            wait.ExecuteNonQuery();
        }
        source.BackupDatabase(copy);
        using var check = copy.CreateCommand();
        check.CommandText = "PRAGMA quick_check;";
        if (check.ExecuteScalar() as string != "ok")
            throw new InvalidOperationException("The copy failed SQLite's quick_check; the backup was not written.");
    }

    private static async Task<int> RefuseForPostgresAsync(CommandConsole console, LastCallSettings settings, string file)
    {
        var c = new NpgsqlConnectionStringBuilder(settings.ConnectionString);
        await console.Error.WriteLineAsync(
            "lastcall: backup copies the embedded SQLite database only. Back up PostgreSQL with its own tools, e.g.\n" +
            $"  pg_dump --format=custom --host={c.Host} --port={c.Port} --username={c.Username} --dbname={c.Database} --file={file}\n" +
            "or a base backup with WAL archiving for point-in-time recovery; see docs/operations.md (Backup and restore).");
        return CommandLine.Failure;
    }
}
