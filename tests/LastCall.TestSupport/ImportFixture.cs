using LastCall.Data;
using LastCall.Features.Imports;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.Extensions.Logging.Abstractions;

namespace LastCall.TestSupport;

/// <summary>A subscriber importer wired to one test database, as the host wires it.</summary>
public static class ImportFixture
{
    public static SubscriberImporter Importer(TestDatabase database, TimeProvider? clock = null)
    {
        var options = new DbContextOptionsBuilder<AppDbContext>();
        options.UseLastCallDatabase(database.Provider, database.ConnectionString);
        return new SubscriberImporter(new PooledDbContextFactory<AppDbContext>(options.Options), database.Protector(),
            new LastCall.Auditing.CurrentActor(new Microsoft.AspNetCore.Http.HttpContextAccessor()), database.Settings(),
            clock ?? TimeProvider.System, NullLogger<SubscriberImporter>.Instance);
    }

    public static Task<ImportSummary> ImportAsync(this TestDatabase database, Stream csv, TimeProvider? clock = null) =>
        Importer(database, clock).ImportAsync(csv, cancellationToken: TestContext.Current.CancellationToken);
}
