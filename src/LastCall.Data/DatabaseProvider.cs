using Npgsql;
using Microsoft.EntityFrameworkCore;

namespace LastCall.Data;

public enum DatabaseProvider
{
    /// <summary>The embedded default: one file, one app instance.</summary>
    Sqlite,

    /// <summary>Production: several app instances on one database.</summary>
    Postgres,
}

public static class DatabaseProviderSetup
{
    public const string SqliteMigrationsAssembly = "LastCall.Migrations.Sqlite";
    public const string PostgresMigrationsAssembly = "LastCall.Migrations.Postgres";

    /// <summary>Points the context at the configured provider and that provider's migrations assembly.</summary>
    public static DbContextOptionsBuilder UseLastCallDatabase(this DbContextOptionsBuilder builder, DatabaseProvider provider, string connectionString) =>
        provider switch
        {
            DatabaseProvider.Sqlite => builder.UseSqlite(connectionString, o => o.MigrationsAssembly(SqliteMigrationsAssembly)).AddInterceptors(SqliteOpenGuard.Instance),
            DatabaseProvider.Postgres => builder.UseNpgsql(WithPoolDefaults(connectionString), o => o.MigrationsAssembly(PostgresMigrationsAssembly)),
            _ => throw new ArgumentOutOfRangeException(nameof(provider), provider, "Unknown database provider."),
        };

    /// <summary>
    /// Defaults for a busy write path, each kept when the connection string sets it. <c>Max Auto Prepare</c>: the
    /// statements a connection runs most are prepared once, so PostgreSQL stops parsing and planning them on every
    /// call (turn it off, <c>Max Auto Prepare=0</c>, behind a transaction-mode pooler such as PgBouncer before 1.21).
    /// <c>No Reset On Close</c>: a connection going back to the pool is not sent <c>DISCARD ALL</c> (one round trip and
    /// a statement per open, about 28 per cancellation); LastCall keeps no session state on a pooled connection
    /// (settings are <c>SET LOCAL</c>, locks are transaction locks, the register import drops its temporary table).
    /// </summary>
    public static string WithPoolDefaults(string connectionString)
    {
        var given = new System.Data.Common.DbConnectionStringBuilder { ConnectionString = connectionString }.Keys
            .Cast<string>().Select(k => k.Replace(" ", "", StringComparison.Ordinal).ToLowerInvariant()).ToHashSet();
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        if (!given.Contains("maxautoprepare"))
            builder.MaxAutoPrepare = 64;
        if (!given.Contains("noresetonclose"))
            builder.NoResetOnClose = true;
        return builder.ConnectionString;
    }
}
