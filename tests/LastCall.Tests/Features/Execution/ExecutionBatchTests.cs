using System.Net.Http.Json;
using System.Text.Json;
using LastCall.Data;
using LastCall.Domain.Cancellations;
using LastCall.Domain.Common;
using LastCall.Domain.Lines;
using LastCall.Features.Execution;
using LastCall.Integrations.Backends;
using LastCall.Integrations.Billing;
using LastCall.Integrations.Messaging;
using LastCall.TestSupport;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace LastCall.Tests.Features.Execution;

/// <summary>
/// Requests run in batches with two saves for the whole batch (decision 0020). A request of the batch that another
/// instance takes over between those saves makes the batch's last save fail: the others must still complete, each
/// effect once, and the one taken over must be left to its new holder untouched.
/// </summary>
public sealed class ExecutionBatchTests(PostgresCluster postgres)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task ABatchWithOneRequestTakenOverMidway_CompletesTheOthersOnce_AndLeavesThatOneToItsNewHolder(DatabaseProvider provider)
    {
        var takeOver = new TakeOver();
        await using var harness = await ExecutionHarness.StartAsync(postgres, provider,
            // No background worker: the test claims and runs the batch itself.
            s => s["Execution:Enabled"] = "false",
            services => TakeOver.Decorate(services, takeOver));
        var lines = new[] { harness.Scenario.CustomerA, harness.Scenario.CustomerASecondLine, harness.Scenario.CustomerB };
        var ids = await CancelAtStoreAsync(harness, lines);
        takeOver.Msisdn = harness.Scenario.CustomerB.Msisdn;
        takeOver.RequestId = ids[2];

        await ClaimAndRunOneBatchAsync(harness, ids);
        Assert.True(takeOver.Done);

        await using var db = harness.Scenario.Database.CreateContext();
        var requests = await db.CancellationRequests.AsNoTracking().Where(r => ids.Contains(r.Id)).ToDictionaryAsync(r => r.Id, Ct);
        var steps = await db.ExecutionSteps.AsNoTracking().Where(s => ids.Contains(s.RequestId)).ToListAsync(Ct);
        foreach (var (id, line) in ids.Zip(lines).Take(2))
        {
            Assert.Equal(CancellationStatus.Completed, requests[id].Status);
            Assert.Null(requests[id].LeaseOwner);
            Assert.All(steps.Where(s => s.RequestId == id), s => Assert.Equal(StepStatus.Succeeded, s.Status));
            var account = await harness.Backends.GetFromJsonAsync<JsonElement>($"simulator/billing/accounts/{ExecutionHarness.Escape(line.Msisdn)}", Ct);
            Assert.Single(account.GetProperty("ledger").EnumerateArray(), e => e.GetProperty("kind").GetString() == "FinalBill");
            var subscription = await harness.Backends.GetFromJsonAsync<JsonElement>($"simulator/network/subscriptions/{ExecutionHarness.Escape(line.Msisdn)}", Ct);
            Assert.Single(subscription.GetProperty("history").EnumerateArray(), h => h.GetProperty("operation").GetString() == "deprovision");
            Assert.Equal(1, await db.Disconnections.CountAsync(d => d.CancellationId == id, Ct));
            Assert.Equal(1, await db.Certificates.CountAsync(c => c.RequestId == id, Ct));
        }

        // Taken over: nothing this worker did for it after the takeover was saved; its new holder goes on.
        var taken = requests[ids[2]];
        Assert.Equal(CancellationStatus.Executing, taken.Status);
        Assert.Equal(TakeOver.NewHolder, taken.LeaseOwner);
        Assert.DoesNotContain(steps, s => s.RequestId == ids[2] && s.Status == StepStatus.Succeeded);
        Assert.Equal(0, await db.Disconnections.CountAsync(d => d.CancellationId == ids[2], Ct));
        var takenLine = await db.Lines.AsNoTracking().SingleAsync(l => l.Id == taken.LineId, Ct);
        Assert.NotEqual(LineStatus.Cancelled, takenLine.Status);
    }

    [Theory]
    [MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task NoticesSentBeforeABatchsFirstSaveFails_AreNotSentAgain_WhenItsRequestsRunOneByOne(DatabaseProvider provider)
    {
        var bump = new VersionBump();
        await using var harness = await ExecutionHarness.StartAsync(postgres, provider,
            s => s["Execution:Enabled"] = "false",
            services => VersionBump.Decorate(services, bump));
        var lines = new[] { harness.Scenario.CustomerA, harness.Scenario.CustomerASecondLine, harness.Scenario.CustomerB };
        var ids = await CancelAtStoreAsync(harness, lines);
        // Another instance changes the last request while the first one's notice goes out: the batch's first save fails.
        bump.RequestId = ids[2];

        await ClaimAndRunOneBatchAsync(harness, ids);
        Assert.True(bump.Done);

        await using var db = harness.Scenario.Database.CreateContext();
        foreach (var (id, line) in ids.Zip(lines))
        {
            Assert.Equal(CancellationStatus.Completed, (await db.CancellationRequests.AsNoTracking().SingleAsync(r => r.Id == id, Ct)).Status);
            Assert.Equal(1, await db.SentMessages.CountAsync(m => m.To == line.Msisdn && m.Template == "cancellation_executing", Ct));
        }
        // Each notice is in the audit log once, although the batch's save that would have carried its event failed.
        var noticeEvents = await db.AuditEvents.Where(e => e.Action == "cancellation.notice_sent").Select(e => e.After!).ToListAsync(Ct);
        Assert.Equal(ids.Count, noticeEvents.Count);
        Assert.All(ids, id => Assert.Single(noticeEvents, after => after.Contains(id.ToString(), StringComparison.OrdinalIgnoreCase)));
    }

    /// <summary>
    /// A large register import holds the register locked for minutes (decision 0034). A batch whose save of its outcomes
    /// queues behind that lock would run into the command timeout, which the worker counts as a database outage (the
    /// instance then reports not ready). It gives up after its lock timeout instead (decision 0035), gives back the attempt
    /// its first save counted and is claimed again; once the register is free it completes, each external effect once.
    /// The lock is met by the batch's last save, or, in a batch held up past half its lease (a slow disconnection step
    /// with a one-second lease), by the lease renewal's save that carries a disconnection done so far.
    /// </summary>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task ABatchMeetingTheRegisterLockedByAnImport_IsLetGoAndTriedAgain_AndCompletesOnceTheRegisterIsFree(bool atALeaseRenewal)
    {
        await using var harness = await ExecutionHarness.StartAsync(postgres, DatabaseProvider.Postgres, s =>
        {
            s["Execution:Enabled"] = "false";
            s["Execution:LockTimeoutSeconds"] = "1";
            s["Execution:DependencyRetrySeconds"] = "0.1";
            if (atALeaseRenewal)
                s["Execution:LeaseSeconds"] = "1";
        }, services =>
        {
            if (atALeaseRenewal)
                SlowDisconnection.Decorate(services);
        });
        var lines = new[] { harness.Scenario.CustomerA, harness.Scenario.CustomerB };
        var ids = await CancelAtStoreAsync(harness, lines);

        await using (var import = harness.Scenario.Database.CreateContext())
        {
            await using var transaction = await import.Database.BeginTransactionAsync(Ct);
            await import.Database.ExecuteSqlRawAsync("LOCK TABLE disconnections IN ACCESS EXCLUSIVE MODE", Ct);

            // Returns after the lock timeout, where it used to wait 30 s for the command timeout and throw.
            var before = DateTimeOffset.UtcNow;
            await ClaimAndRunOneBatchAsync(harness, ids);

            await using var db = harness.Scenario.Database.CreateContext();
            var requests = await db.CancellationRequests.AsNoTracking().Where(r => ids.Contains(r.Id)).ToListAsync(Ct);
            Assert.All(requests, r =>
            {
                Assert.Equal(CancellationStatus.Executing, r.Status);
                Assert.Null(r.LeaseOwner);
                Assert.True(r.NextAttemptAt > before);
            });
            // Nothing after the batch's first save was written, and that save's attempt was given back.
            var steps = await db.ExecutionSteps.AsNoTracking().Where(s => ids.Contains(s.RequestId)).ToListAsync(Ct);
            Assert.NotEmpty(steps);
            Assert.All(steps, step =>
            {
                Assert.Equal(StepStatus.Pending, step.Status);
                Assert.Equal(0, step.Attempts);
            });
            await transaction.RollbackAsync(Ct);
        }

        // Claimed again once its retry time has come, and run to the end with the same idempotency keys.
        await using (var scope = harness.Scenario.Host.Services.CreateAsyncScope())
        {
            var claims = scope.ServiceProvider.GetRequiredService<ExecutionClaims>();
            IReadOnlyList<Guid> claimed = [];
            await Eventually.TrueAsync(async () => (claimed = await claims.ClaimAsync(10, Ct)).Count > 0, "the let-go requests to be claimed again", TimeSpan.FromSeconds(30));
            Assert.Equal(ids.Order(), claimed.Order());
            await scope.ServiceProvider.GetRequiredService<ExecutionRunner>().RunAsync(claimed, Ct);
        }
        await using var after = harness.Scenario.Database.CreateContext();
        foreach (var (id, line) in ids.Zip(lines))
        {
            Assert.Equal(CancellationStatus.Completed, (await after.CancellationRequests.AsNoTracking().SingleAsync(r => r.Id == id, Ct)).Status);
            var account = await harness.Backends.GetFromJsonAsync<JsonElement>($"simulator/billing/accounts/{ExecutionHarness.Escape(line.Msisdn)}", Ct);
            Assert.Single(account.GetProperty("ledger").EnumerateArray(), e => e.GetProperty("kind").GetString() == "FinalBill");
            var subscription = await harness.Backends.GetFromJsonAsync<JsonElement>($"simulator/network/subscriptions/{ExecutionHarness.Escape(line.Msisdn)}", Ct);
            Assert.Single(subscription.GetProperty("history").EnumerateArray(), h => h.GetProperty("operation").GetString() == "deprovision");
            Assert.Equal(1, await after.Disconnections.CountAsync(d => d.CancellationId == id, Ct));
        }
    }

    /// <summary>
    /// The disconnection step taking longer than half of a one-second lease (a slow system, simulated): the step after it
    /// renews the batch's leases first, and that save carries the register entry just made.
    /// </summary>
    private sealed class SlowDisconnection(IExecutionStep inner) : IExecutionStep
    {
        public StepName Name => inner.Name;

        /// <summary>Wraps every step as the host registered it (traced); only the disconnection is slowed.</summary>
        public static void Decorate(IServiceCollection services)
        {
            foreach (var original in services.Where(d => d.ServiceType == typeof(IExecutionStep)).ToList())
            {
                services.Remove(original);
                services.Add(ServiceDescriptor.Describe(typeof(IExecutionStep), sp => new SlowDisconnection((IExecutionStep)(original.ImplementationFactory?.Invoke(sp)
                    ?? original.ImplementationInstance ?? ActivatorUtilities.CreateInstance(sp, original.ImplementationType!))), original.Lifetime));
            }
        }

        public async Task<StepResult> RunAsync(StepContext context, CancellationToken ct)
        {
            var result = await inner.RunAsync(context, ct);
            if (Name == StepName.Disconnect)
                await Task.Delay(TimeSpan.FromMilliseconds(700), ct);
            return result;
        }
    }

    private static async Task<List<Guid>> CancelAtStoreAsync(ExecutionHarness harness, IEnumerable<TestLine> lines)
    {
        var ids = new List<Guid>();
        foreach (var line in lines)
            ids.Add(await harness.CancelAtStoreAsync(line));
        return ids;
    }

    /// <summary>Claims the due requests, which must be <paramref name="ids"/>, and runs them as one batch, as the worker would.</summary>
    private static async Task ClaimAndRunOneBatchAsync(ExecutionHarness harness, List<Guid> ids)
    {
        await using var scope = harness.Scenario.Host.Services.CreateAsyncScope();
        var claimed = await scope.ServiceProvider.GetRequiredService<ExecutionClaims>().ClaimAsync(10, Ct);
        Assert.Equal(ids.Order(), claimed.Order());
        await scope.ServiceProvider.GetRequiredService<ExecutionRunner>().RunAsync(claimed, Ct);
    }

    /// <summary>
    /// A gateway-like sender (each message goes out at once, not with the save) whose first message also changes
    /// <see cref="RequestId"/> in the database, as another instance's write would.
    /// </summary>
    private sealed class VersionBump
    {
        public Guid? RequestId { get; set; }

        public bool Done { get; private set; }

        public static void Decorate(IServiceCollection services, VersionBump bump) =>
            services.Decorate<IMessageSender>((inner, sp) => new SentAtOnce(inner, bump, sp.GetRequiredService<IDbContextFactory<AppDbContext>>()));

        private sealed class SentAtOnce(IMessageSender inner, VersionBump bump, IDbContextFactory<AppDbContext> contexts) : IMessageSender
        {
            public string Name => inner.Name;

            // Sent at once, as a gateway does, whatever the wrapped sender does.
            public bool SendsWithTheSave => false;

            public async Task SendAsync(OutgoingMessage message, CancellationToken cancellationToken)
            {
                await inner.SendAsync(message, cancellationToken);
                if (bump.Done || bump.RequestId is not { } id)
                    return;
                await using var db = await contexts.CreateDbContextAsync(cancellationToken);
                await db.CancellationRequests.Where(r => r.Id == id).ExecuteUpdateAsync(u => u.SetProperty(r => r.Version, r => r.Version + 1), cancellationToken);
                bump.Done = true;
            }
        }
    }

    /// <summary>
    /// The billing system as the host has it, except that closing <see cref="Msisdn"/>'s account first lets another
    /// instance take over <see cref="RequestId"/> (its lease and version change in the database), once.
    /// </summary>
    private sealed class TakeOver
    {
        public const string NewHolder = "another-instance:1:takeover";

        public string? Msisdn { get; set; }

        public Guid? RequestId { get; set; }

        public bool Done { get; private set; }

        public static void Decorate(IServiceCollection services, TakeOver takeOver) =>
            services.Decorate<IBillingSystem>((inner, sp) => new Billing(inner, takeOver, sp.GetRequiredService<IDbContextFactory<AppDbContext>>()));

        private async Task TakeOverIfDueAsync(string msisdn, IDbContextFactory<AppDbContext> contexts, CancellationToken ct)
        {
            if (Done || msisdn != Msisdn || RequestId is not { } id)
                return;
            await using var db = await contexts.CreateDbContextAsync(ct);
            await db.CancellationRequests.Where(r => r.Id == id).ExecuteUpdateAsync(u => u
                .SetProperty(r => r.LeaseOwner, NewHolder)
                .SetProperty(r => r.LeaseExpiresAt, DateTimeOffset.UtcNow.AddMinutes(10))
                .SetProperty(r => r.Version, r => r.Version + 1), ct);
            Done = true;
        }

        private sealed class Billing(IBillingSystem inner, TakeOver takeOver, IDbContextFactory<AppDbContext> contexts) : IBillingSystem
        {
            public async Task<BackendResult<FinalBill>> CloseAccountAsync(string requestId, string msisdn, Money? earlyExitFee = null, CancellationToken cancellationToken = default)
            {
                await takeOver.TakeOverIfDueAsync(msisdn, contexts, cancellationToken);
                return await inner.CloseAccountAsync(requestId, msisdn, earlyExitFee, cancellationToken);
            }

            public Task<BackendResult<RefundReceipt>> RefundAsync(string requestId, string msisdn, Money amount, CancellationToken cancellationToken = default) =>
                inner.RefundAsync(requestId, msisdn, amount, cancellationToken);

            public Task<BackendResult<BillHistory>> ListBillsAsync(string msisdn, CancellationToken cancellationToken = default) =>
                inner.ListBillsAsync(msisdn, cancellationToken);
        }
    }
}
