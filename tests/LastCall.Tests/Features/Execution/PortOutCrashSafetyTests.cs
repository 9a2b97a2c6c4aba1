using LastCall.Data;
using LastCall.TestSupport;

namespace LastCall.Tests.Features.Execution;

/// <summary>Flow 5's kill -9 promise for port-outs (see <see cref="CrashSafetyTests"/>).</summary>
public sealed class PortOutCrashSafetyTests(PostgresCluster postgres)
{
    /// <summary>Killed between their steps, each port-out completes once, with no quarantine, register entry or certificate.</summary>
    [Fact]
    public Task SigkillMidPortOut_RestartedHost_CompletesEveryPortOutExactlyOnce() =>
        SigkillTwice.RunAsync(postgres, DatabaseProvider.Postgres, (fleet, host) => fleet.SubmitPortOutsAsync(host, fleet.Lines));
}
