using LastCall.Data;
using LastCall.Domain.Billing;
using LastCall.Domain.Customers;
using LastCall.Domain.Lines;
using LastCall.Domain.Numbers;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Storage;

namespace LastCall.Features.Imports;

/// <summary>
/// Keeps PostgreSQL's planner statistics of the tables a subscriber import fills in step with them (decision 0033). A first
/// import into empty tables otherwise leaves the planner with the statistics of empty tables until autovacuum's ANALYZE
/// comes round, and every query meanwhile (the import's own batch reads, a re-import, cancellations) is planned for
/// tables far smaller than they are. So a run that creates lines analyzes the tables each time its new lines have doubled
/// since the last time, from <see cref="FirstAfter"/> on, and once more when it has written its last batch: about
/// log2(rows ÷ 10,000) times, each sampling a bounded number of rows. ANALYZE runs on a connection of its own beside the
/// batches: its lock blocks no read or write, and it skips a table another session holds locked (a register report, a
/// schema change) rather than wait. A failure is logged and never fails the import; a run that stops early stops a running
/// ANALYZE (<paramref name="runStopped"/>) and starts no last one. SQLite keeps its own behaviour (no statistics unless asked).
/// </summary>
internal sealed class PlannerStatistics(IDbContextFactory<AppDbContext> contexts, ILogger logger, CancellationToken runStopped)
{
    /// <summary>New lines before the first ANALYZE: below that, autovacuum's own threshold comes soon enough.</summary>
    public const int FirstAfter = 10_000;

    /// <summary>
    /// The tables a run fills. The register (disconnections) is left out: it is usually far larger than what one subscriber
    /// import adds to it, and its own import analyzes it.
    /// </summary>
    private static readonly Type[] ImportedTables = [typeof(Customer), typeof(Line), typeof(EsimProfile), typeof(BillingAccount), typeof(PoolNumber)];

    /// <summary>Longer than any ANALYZE of these tables should take, so that a stuck one ends.</summary>
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(10);

    private int _newLines;
    private int _newLinesAnalyzed;
    private Task _analyzing = Task.CompletedTask;

    /// <summary>Counts the lines a committed batch created, and starts an ANALYZE when they have doubled.</summary>
    public void Committed(int newLines)
    {
        _newLines += newLines;
        if (_newLines >= FirstAfter && _newLines >= 2 * _newLinesAnalyzed && _analyzing.IsCompleted)
            Start();
    }

    /// <summary>After the run's last batch is written: waits for a running ANALYZE, then analyzes what was created since.</summary>
    public async Task FinishAsync(CancellationToken cancellationToken)
    {
        await _analyzing;
        if (!cancellationToken.IsCancellationRequested && _newLines >= FirstAfter && _newLines > _newLinesAnalyzed)
        {
            Start();
            await _analyzing;
        }
    }

    private void Start()
    {
        var newLines = _newLines;
        _newLinesAnalyzed = newLines;
        // Bookkeeping of the database, not the request's change (IdempotencyMiddleware follows the request's own writes).
        using (ExecutionContext.SuppressFlow())
            _analyzing = Task.Run(() => AnalyzeAsync(newLines));
    }

    /// <summary>Never throws: the statistics are the database's bookkeeping, and autovacuum refreshes them anyway.</summary>
    private async Task AnalyzeAsync(int newLines)
    {
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(runStopped);
            timeout.CancelAfter(Timeout);
            await using var db = await contexts.CreateDbContextAsync(timeout.Token);
            if (!db.Database.IsNpgsql())
                return;
            db.Database.SetCommandTimeout(Timeout);
            // Names from the model, quoted by the provider as every statement EF Core writes.
            var sql = db.GetService<ISqlGenerationHelper>();
            var tables = string.Join(", ", ImportedTables.Select(type => db.Model.FindEntityType(type)!).Select(t => sql.DelimitIdentifier(t.GetTableName()!, t.GetSchema())));
            var analyze = "ANALYZE (SKIP_LOCKED) " + tables;
            await db.Database.ExecuteSqlRawAsync(analyze, timeout.Token);
            logger.LogInformation("Import: planner statistics refreshed after {NewLines} new lines", newLines);
        }
#pragma warning disable CA1031 // background bookkeeping: any failure is logged, and the import goes on
        catch (Exception ex)
#pragma warning restore CA1031
        {
            logger.LogWarning(ex, "Import: the planner statistics could not be refreshed; autovacuum will");
        }
    }
}
