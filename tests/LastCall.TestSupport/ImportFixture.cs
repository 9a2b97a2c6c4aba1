using LastCall.Data;
using LastCall.Domain.Common;
using LastCall.Features.Imports;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.Extensions.Logging.Abstractions;

namespace LastCall.TestSupport;

/// <summary>A subscriber importer wired to one test database, as the host wires it.</summary>
public static class ImportFixture
{
    /// <summary>The importer; <paramref name="interceptors"/> go on every context it creates (a test's staged concurrent writer, the audit guard).</summary>
    public static SubscriberImporter Importer(TestDatabase database, TimeProvider? clock = null, params Microsoft.EntityFrameworkCore.Diagnostics.IInterceptor[] interceptors)
    {
        var options = new DbContextOptionsBuilder<AppDbContext>();
        options.UseLastCallDatabase(database.Provider, database.ConnectionString);
        options.AddInterceptors(interceptors);
        return new SubscriberImporter(new PooledDbContextFactory<AppDbContext>(options.Options), database.Protector(),
            new LastCall.Auditing.CurrentActor(new Microsoft.AspNetCore.Http.HttpContextAccessor()), database.Settings(),
            clock ?? TimeProvider.System, NullLogger<SubscriberImporter>.Instance);
    }

    public static Task<ImportSummary> ImportAsync(this TestDatabase database, Stream csv, TimeProvider? clock = null) =>
        Importer(database, clock).ImportAsync(csv, cancellationToken: TestContext.Current.CancellationToken);

    /// <summary>
    /// Gives imported lines the cheap sign-in hash of their service password (<see cref="TestData.SignInHashOf"/>,
    /// decision 0023), written as set-up data. The import takes only full-strength hashes (or clear passwords, which it
    /// hashes at full strength), and every customer sign-in to such a line would then cost 0.1–0.3 s of CPU: the suites
    /// sign in to imported lines hundreds of times.
    /// </summary>
    public static async Task UseSignInHashesAsync(this TestDatabase database, params (string Msisdn, string Password)[] lines)
    {
        await using var db = database.CreateContext();
        foreach (var (number, password) in lines)
        {
            var msisdn = Msisdn.Parse(number);
            await db.Lines.Where(l => l.Msisdn == msisdn)
                .ExecuteUpdateAsync(set => set.SetProperty(l => l.ServicePasswordHash, TestData.SignInHashOf(password)), TestContext.Current.CancellationToken);
        }
    }
}
