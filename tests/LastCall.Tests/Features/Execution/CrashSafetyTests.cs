using LastCall.Data;
using LastCall.TestSupport;

namespace LastCall.Tests.Features.Execution;

/// <summary>
/// Flow 5's promise under real failure: the host runs as its own OS process and is killed with SIGKILL while
/// executions are in flight; the simulators live in the test process, so their ledgers outlive every host. Whatever
/// happens, each request completes and each effect — final bill, refund, cancelOrder, deprovisioning, register entry,
/// outbox event, certificate, audit entry — happens exactly once (see <see cref="CrashFleet.AssertEverythingHappenedExactlyOnceAsync"/>).
/// The port-out and two-host variants are classes of their own so that the suite runs the three long scenarios side by side.
/// </summary>
public sealed class CrashSafetyTests(PostgresCluster postgres)
{
    [Theory]
    [MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public Task SigkillMidExecution_RestartedHost_CompletesEveryRequestExactlyOnce(DatabaseProvider provider) =>
        SigkillTwice.RunAsync(postgres, provider, (fleet, host) => fleet.SubmitAsync(host, fleet.Lines));
}
