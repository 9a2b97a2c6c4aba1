using LastCall.Data;
using LastCall.Hosting;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.Extensions.Logging.Abstractions;

namespace LastCall.TestSupport;

/// <summary>The database-outage tracker a service built by hand in a test needs.</summary>
public static class TestOutage
{
    /// <summary>Never started and never asked to reach a database: every failure a test scripts stays a failure, not an outage.</summary>
    public static DatabaseOutage NeverStarted()
    {
        var options = new DbContextOptionsBuilder<AppDbContext>();
        options.UseLastCallDatabase(DatabaseProvider.Sqlite, "Data Source=:memory:");
        return new DatabaseOutage(new PooledDbContextFactory<AppDbContext>(options.Options), TimeProvider.System, NullLogger<DatabaseOutage>.Instance);
    }
}
