using LastCall.Data;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace LastCall.Tests.Data;

/// <summary>
/// Contexts that open SQLite connections at the same moment each get a native connection of their own
/// (dotnet/efcore#39008: the pool could lend one to two owners, whose transactions then collided).
/// </summary>
public sealed class SqliteOpenGuardTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("lastcall-open-guard-").FullName;

    [Fact]
    public async Task ConcurrentOpens_NeverShareANativeConnection()
    {
        var connectionString = $"Data Source={Path.Combine(_folder, "guard.db")}";
        const int owners = 32;
        for (var round = 0; round < 100; round++)
        {
            // An empty pool each round: every open either creates a connection or reclaims one, where the race was.
            using (var control = new SqliteConnection(connectionString))
                SqliteConnection.ClearPool(control);
            var contexts = Enumerable.Range(0, owners).Select(_ => Context(connectionString)).ToList();
            try
            {
                using var start = new Barrier(owners);
                var opens = contexts.Select(db => Task.Factory.StartNew(() =>
                {
                    start.SignalAndWait(TestContext.Current.CancellationToken);
                    db.Database.OpenConnection();
                }, TestContext.Current.CancellationToken, TaskCreationOptions.LongRunning, TaskScheduler.Default)).ToList();
                await Task.WhenAll(opens);

                var handles = contexts.Select(db => ((SqliteConnection)db.Database.GetDbConnection()).Handle!.DangerousGetHandle()).ToList();
                Assert.Equal(owners, handles.Distinct().Count());
                // Each owner can run a transaction of its own on what it holds.
                foreach (var db in contexts)
                    await using (var transaction = await db.Database.BeginTransactionAsync(TestContext.Current.CancellationToken))
                        await transaction.RollbackAsync(TestContext.Current.CancellationToken);
            }
            finally
            {
                foreach (var db in contexts)
                    await db.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task OpensCancelledWhileWaitingTheirTurn_DoNotBlockTheNextOpen()
    {
        var connectionString = $"Data Source={Path.Combine(_folder, "cancelled.db")}";
        var ct = TestContext.Current.CancellationToken;
        for (var round = 0; round < 20; round++)
        {
            var attempts = Enumerable.Range(0, 16).Select(async i =>
            {
                using var cancel = CancellationTokenSource.CreateLinkedTokenSource(ct);
                cancel.CancelAfter(TimeSpan.FromTicks(i * 50));
                await using var db = Context(connectionString);
                try
                {
                    await db.Database.ExecuteSqlRawAsync("SELECT 1", cancel.Token);
                }
                catch (OperationCanceledException) when (cancel.IsCancellationRequested)
                {
                    // Cancelled while waiting or opening: what matters is the next open.
                }
            });
            // A turn left taken would make the others wait forever.
            await Task.WhenAll(attempts).WaitAsync(TimeSpan.FromSeconds(30), ct);
        }

        await using var next = Context(connectionString);
        await next.Database.OpenConnectionAsync(ct).WaitAsync(TimeSpan.FromSeconds(30), ct);
    }

    private static AppDbContext Context(string connectionString)
    {
        var options = new DbContextOptionsBuilder<AppDbContext>();
        options.UseLastCallDatabase(DatabaseProvider.Sqlite, connectionString);
        return new AppDbContext(options.Options);
    }

    public void Dispose()
    {
        // This class's pools only (one per database file it made): clearing every pool would dispose native connections
        // other tests are opening.
        foreach (var file in Directory.GetFiles(_folder, "*.db"))
        {
            using var connection = new SqliteConnection($"Data Source={file}");
            SqliteConnection.ClearPool(connection);
        }
        Directory.Delete(_folder, recursive: true);
    }
}
