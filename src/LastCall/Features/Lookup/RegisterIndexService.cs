using System.Data.Common;
using LastCall.Data;
using LastCall.Domain.Numbers;
using Microsoft.EntityFrameworkCore;

namespace LastCall.Features.Lookup;

/// <summary>
/// Serves reassigned-number lookups from memory: at start-up it streams the whole disconnection
/// register into a compact <see cref="DisconnectionIndex"/>, then follows new register entries in
/// sequence order (every <c>Register:PollMilliseconds</c>, default 250), so every instance sees a
/// completed cancellation or an imported register within a second. Lookups never touch the database.
/// </summary>
public sealed class RegisterIndexService(IDbContextFactory<AppDbContext> contexts, IConfiguration configuration, Hosting.DatabaseOutage outage, ILogger<RegisterIndexService> logger) : BackgroundService
{
    private const int ReadBatch = 50_000;
    private readonly TaskCompletionSource _loaded = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private DisconnectionIndex? _index;

    /// <summary>The index, or null while it is still loading.</summary>
    public DisconnectionIndex? Index => Volatile.Read(ref _index);

    /// <summary>The first day the register covers; a question about an earlier date is answered no_data.</summary>
    public DateOnly RegisterStartsOn { get; } = DateOnly.Parse(configuration["Register:StartsOn"] ?? "2016-01-01", System.Globalization.CultureInfo.InvariantCulture);

    private TimeSpan PollInterval { get; } = TimeSpan.FromMilliseconds(configuration.GetValue("Register:PollMilliseconds", 250));

    /// <summary>Completes once the register is in memory (tests and readiness wait on it).</summary>
    public Task Loaded => _loaded.Task;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (Index is null && !stoppingToken.IsCancellationRequested)
        {
            try
            {
                var started = System.Diagnostics.Stopwatch.StartNew();
                var index = await LoadAsync(stoppingToken);
                Volatile.Write(ref _index, index);
                _loaded.TrySetResult();
                logger.LogInformation("Register index loaded: {Records} entries, {Numbers} numbers, {Megabytes:0.0} MB in {Seconds:0.0} s",
                    index.Count, index.NumberCount, index.ApproximateBytes / 1048576.0, started.Elapsed.TotalSeconds);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                if (await outage.PauseAsync("Loading the register index", e, stoppingToken))
                    continue;
                // Typically the schema is not there yet on a fresh start: try again shortly.
                logger.LogWarning(e, "Loading the register index failed; retrying");
                await Task.Delay(TimeSpan.FromSeconds(2), stoppingToken);
            }
        }
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await CatchUpAsync(Index!, stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // Lookups go on answering from memory during a database outage; the index catches up after it.
                if (!await outage.PauseAsync("Following the register", e, stoppingToken))
                    logger.LogWarning(e, "Following the register failed; retrying");
            }
            await Task.Delay(PollInterval, stoppingToken);
        }
    }

    private async Task<DisconnectionIndex> LoadAsync(CancellationToken ct)
    {
        var builder = new DisconnectionIndexBuilder();
        long last = 0;
        await ReadAfterAsync(0, long.MaxValue, (msisdn, day, id) =>
        {
            builder.Add(msisdn, day);
            last = id;
        }, ct);
        return builder.ToIndex(last);
    }

    /// <summary>Applies register entries newer than the index, in order, in batches.</summary>
    public async Task<int> CatchUpAsync(DisconnectionIndex index, CancellationToken ct)
    {
        var applied = 0;
        int read;
        do
        {
            read = 0;
            await ReadAfterAsync(index.LastSequence, ReadBatch, (msisdn, day, id) =>
            {
                index.Apply(msisdn, day, id);
                read++;
            }, ct);
            applied += read;
        }
        while (read == ReadBatch);
        if (index.PendingCount >= DisconnectionIndex.DefaultMergeThreshold)
            await index.MergeAsync();
        return applied;
    }

    private async Task ReadAfterAsync(long afterId, long limit, Action<long, DateOnly, long> onEntry, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var connection = db.Database.GetDbConnection();
        await connection.OpenAsync(ct);
        await using var command = connection.CreateCommand();
        command.CommandText = """SELECT "Id", "Msisdn", "DisconnectedOn" FROM disconnections WHERE "Id" > @after ORDER BY "Id" LIMIT @limit""";
        AddParameter(command, "@after", afterId);
        AddParameter(command, "@limit", limit);
        await using var reader = await command.ExecuteReaderAsync(System.Data.CommandBehavior.SequentialAccess, ct);
        var isText = reader.GetFieldType(2) == typeof(string);
        while (await reader.ReadAsync(ct))
        {
            var id = reader.GetInt64(0);
            if (!DisconnectionIndex.TryParseMsisdn(reader.GetString(1), out var msisdn))
                continue;
            var day = isText
                ? DateOnly.ParseExact(reader.GetString(2), "yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture)
                : reader.GetFieldValue<DateOnly>(2);
            onEntry(msisdn, day, id);
        }
    }

    private static void AddParameter(DbCommand command, string name, long value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.Value = value;
        command.Parameters.Add(parameter);
    }
}
