using System.Net.Sockets;
using LastCall.Data;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace LastCall.Hosting;

/// <summary>
/// Whether the database can be reached, as learnt from failures anywhere in the host. The first failure that
/// means "the database is not there" (connection refused or broken, server shutting down or starting, no free
/// connection) opens an outage: it is logged once, requests answer 503 <c>database_unavailable</c> with
/// Retry-After, readiness says no, and background components pause (<see cref="PauseAsync"/>) instead of
/// logging a failure per poll. A probe then asks the database every second and closes the outage, and
/// everything resumes by itself. Failures of other kinds (a bug, a constraint) are not outages.
/// </summary>
public sealed class DatabaseOutage(IDbContextFactory<AppDbContext> contexts, TimeProvider clock, ILogger<DatabaseOutage> logger) : BackgroundService
{
    /// <summary>What clients are told to wait before trying again, in whole seconds (Retry-After and <c>retryAfterSeconds</c>).</summary>
    public const int RetryAfterSeconds = 5;

    private static readonly TimeSpan ProbeInterval = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan ProbeTimeout = TimeSpan.FromSeconds(2);

    private readonly Lock _gate = new();
    private TaskCompletionSource _available = Completed();
    private readonly SemaphoreSlim _outageStarted = new(0);
    private DateTimeOffset? _since;

    /// <summary>True while an outage is open (from the first failure until a probe succeeds).</summary>
    public bool IsDown
    {
        get
        {
            lock (_gate)
                return _since is not null;
        }
    }

    /// <summary>
    /// True when <paramref name="exception"/> (or one it wraps) says the database cannot be reached at all, as
    /// opposed to refusing one statement. Only PostgreSQL has outages: the embedded SQLite file is in-process.
    /// </summary>
    public static bool IsUnavailable(Exception exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            switch (e)
            {
                case PostgresException pg:
                    // 08: connection exception; 57P01-57P03: shutting down, crashed, starting up; 53300: too many connections.
                    return pg.SqlState.StartsWith("08", StringComparison.Ordinal)
                        || pg.SqlState is PostgresErrorCodes.AdminShutdown or PostgresErrorCodes.CrashShutdown or PostgresErrorCodes.CannotConnectNow
                            or PostgresErrorCodes.TooManyConnections;
                case NpgsqlException npgsql when npgsql.IsTransient:
                case SocketException:
                    return true;
            }
        }
        return false;
    }

    /// <summary>
    /// Records a failure: when it means the database is unreachable, opens an outage (logged once) and returns
    /// true, so the caller answers 503 or pauses without logging a stack trace of its own.
    /// </summary>
    public bool Observe(Exception exception)
    {
        if (!IsUnavailable(exception))
            return false;
        lock (_gate)
        {
            if (_since is not null)
                return true;
            _since = clock.GetUtcNow();
            _available = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }
        logger.LogError("The database is unavailable ({Reason}); requests answer 503 database_unavailable and background work pauses until it answers again",
            Reason(exception));
        _outageStarted.Release();
        return true;
    }

    /// <summary>Completes at once while the database is available, else when the outage ends.</summary>
    public Task WhenAvailableAsync(CancellationToken ct)
    {
        lock (_gate)
            return _available.Task.WaitAsync(ct);
    }

    /// <summary>
    /// For a background component whose pass failed with <paramref name="exception"/>: if the database is
    /// unreachable, logs once that the component pauses, waits for the outage to end, logs that it resumes, and
    /// returns true. Returns false at once for any other failure, which the component handles as before.
    /// </summary>
    public async Task<bool> PauseAsync(string component, Exception exception, CancellationToken ct)
    {
        if (!Observe(exception))
            return false;
        logger.LogWarning("{Component} paused: the database is unavailable", component);
        await WhenAvailableAsync(ct);
        logger.LogInformation("{Component} resumed", component);
        return true;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            await _outageStarted.WaitAsync(stoppingToken);
            while (!await CanConnectAsync(stoppingToken))
                await Task.Delay(ProbeInterval, clock, stoppingToken);
            TaskCompletionSource available;
            DateTimeOffset since;
            lock (_gate)
            {
                since = _since ?? clock.GetUtcNow();
                _since = null;
                available = _available;
            }
            // Pooled connections opened before the outage are dead (the server restarted): drop them all, so that no
            // request after the outage trips over one.
            NpgsqlConnection.ClearAllPools();
            logger.LogWarning("The database answers again after {Seconds:0.0} s of outage", (clock.GetUtcNow() - since).TotalSeconds);
            available.TrySetResult();
        }
    }

    /// <summary>One probe: the database answers within two seconds. Readiness asks the same question.</summary>
    public async Task<bool> CanConnectAsync(CancellationToken ct)
    {
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
            timeout.CancelAfter(ProbeTimeout);
            await using var db = await contexts.CreateDbContextAsync(timeout.Token);
            return await db.Database.CanConnectAsync(timeout.Token);
        }
        catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            return false;
        }
    }

    private static string Reason(Exception exception)
    {
        var innermost = exception;
        while (innermost.InnerException is not null && innermost is not NpgsqlException)
            innermost = innermost.InnerException;
        return innermost.GetType().Name + ": " + innermost.Message;
    }

    private static TaskCompletionSource Completed()
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        done.SetResult();
        return done;
    }

    public override void Dispose()
    {
        _outageStarted.Dispose();
        base.Dispose();
        GC.SuppressFinalize(this);
    }
}
