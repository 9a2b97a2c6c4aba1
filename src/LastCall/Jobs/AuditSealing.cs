using LastCall.Auditing;
using LastCall.Hosting;

namespace LastCall.Jobs;

/// <summary>
/// Seals the audit events that saves wrote unsealed into the chain (<see cref="AuditChainSealer"/>), every
/// <c>Audit:SealMilliseconds</c> (100 by default): under load one pass seals the events of hundreds of saves in
/// one transaction. Every instance runs it; while one instance seals, the others' ticks leave it the turn instead of
/// queueing behind it (<see cref="AuditChainSealer.SealPendingUnlessBusyAsync"/>). On shutdown it waits its turn to seal
/// what this instance's last saves wrote. While the database is unreachable it pauses.
/// </summary>
public sealed class AuditSealing(AuditChainSealer sealer, AuditSettings settings, DatabaseOutage outage, TimeProvider clock, ILogger<AuditSealing> logger) : BackgroundService
{
    private readonly TimeSpan _interval = settings.SealInterval;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(_interval, clock);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
                await SealAsync(waitForTurn: false, stoppingToken);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        // The last saves of a stopping instance are sealed now rather than by whichever instance comes next.
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        await SealAsync(waitForTurn: true, timeout.Token);
    }

    private async Task SealAsync(bool waitForTurn, CancellationToken ct)
    {
        try
        {
            await (waitForTurn ? sealer.SealPendingAsync(ct) : sealer.SealPendingUnlessBusyAsync(ct));
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
        catch (Exception e)
        {
            if (!await outage.PauseAsync("Audit sealing", e, ct))
                logger.LogWarning(e, "Sealing the audit chain failed; trying again shortly");
        }
    }
}
