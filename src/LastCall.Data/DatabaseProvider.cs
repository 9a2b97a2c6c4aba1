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
            DatabaseProvider.Sqlite => builder.UseSqlite(connectionString, o => o.MigrationsAssembly(SqliteMigrationsAssembly)),
            DatabaseProvider.Postgres => builder.UseNpgsql(connectionString, o => o.MigrationsAssembly(PostgresMigrationsAssembly)),
            _ => throw new ArgumentOutOfRangeException(nameof(provider), provider, "Unknown database provider."),
        };
}
