namespace LastCall.Tests.Infrastructure;

/// <summary>
/// The browser tests run on SQLite only; the shared TestDatabase names this type for its PostgreSQL
/// case, which these tests never ask for (the HTTP tests cover both providers).
/// </summary>
public sealed class PostgresCluster
{
    public Task<string> CreateDatabaseAsync() => throw new NotSupportedException("Browser tests use SQLite.");
}
