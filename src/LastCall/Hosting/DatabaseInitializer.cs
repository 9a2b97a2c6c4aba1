using LastCall.Data;
using Microsoft.EntityFrameworkCore;

namespace LastCall.Hosting;

/// <summary>
/// Brings the database to the current schema: creates the data folder and applies migrations where
/// that is the configured behaviour, and otherwise refuses to run against an outdated schema.
/// </summary>
public sealed class DatabaseInitializer(IDbContextFactory<AppDbContext> contexts, LastCallSettings settings, ILogger<DatabaseInitializer> logger)
{
    public async Task MigrateAsync(CancellationToken cancellationToken)
    {
        if (settings.Provider == DatabaseProvider.Sqlite)
            Directory.CreateDirectory(settings.DataFolder);
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var pending = (await db.Database.GetPendingMigrationsAsync(cancellationToken)).ToList();
        if (pending.Count > 0)
        {
            logger.LogInformation("Applying {Count} migration(s) to the {Provider} database: {Migrations}", pending.Count, settings.Provider, string.Join(", ", pending));
            await db.Database.MigrateAsync(cancellationToken);
        }
        if (settings.Provider == DatabaseProvider.Sqlite)
        {
            // WAL lets readers (health checks, lookups) proceed while a writer holds the file.
            await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;", cancellationToken);
        }
    }

    /// <summary>Migrates when configured to; otherwise fails clearly if migrations are pending.</summary>
    public async Task PrepareAsync(CancellationToken cancellationToken)
    {
        if (settings.MigrateOnStartup)
        {
            await MigrateAsync(cancellationToken);
            return;
        }
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var pending = (await db.Database.GetPendingMigrationsAsync(cancellationToken)).ToList();
        if (pending.Count > 0)
            throw new InvalidOperationException($"The database has {pending.Count} pending migration(s) ({string.Join(", ", pending)}). Run `lastcall migrate` first.");
    }
}
