using System.Collections.Concurrent;
using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using LastCall.BackendSimulators;
using LastCall.Data;
using LastCall.Domain.Cancellations;
using LastCall.Domain.Identity;
using LastCall.Domain.Lines;
using LastCall.Domain.Numbers;
using LastCall.Features.Execution;
using LastCall.Security;
using LastCall.SmdpSimulator;
using Microsoft.AspNetCore.Builder;
using Microsoft.EntityFrameworkCore;

namespace LastCall.TestSupport;

/// <summary>A profile as the test imported it and told the SM-DP+ about it.</summary>
public sealed record FleetProfile(string Iccid, string? Eid, ProfileRole Role, ProfileState State);

/// <summary>A line as the test imported it and seeded the billing and network simulators with (no deposit).</summary>
public sealed record FleetLine(string Msisdn, string IdNumber, decimal Balance, decimal UnbilledUsage, IReadOnlyList<FleetProfile> Profiles)
{
    /// <summary>What the final bill leaves to pay back: the balance less the usage it covers.</summary>
    public decimal Refund => Balance - Math.Min(Balance, UnbilledUsage);
}

/// <summary>Where the requests are at one moment, read straight from the database (the hosts may be dead).</summary>
public sealed record FleetProgress(int Completed, int Failed, int RunningSteps, IReadOnlyList<(Guid Id, CancellationStatus Status, string? LeaseOwner)> Requests, IReadOnlyList<(long Id, Guid RequestId, StepName Name, int Attempts)> Running)
{
    /// <summary>The unfinished requests whose lease names the worker in process <paramref name="pid"/> (worker ids are host:pid:random).</summary>
    public IReadOnlyList<Guid> HeldBy(int pid) =>
        [.. Requests.Where(r => r.Status != CancellationStatus.Completed && r.LeaseOwner?.Contains($":{pid}:", StringComparison.Ordinal) == true).Select(r => r.Id)];

    /// <summary>Steps under way in requests that process <paramref name="pid"/> holds (a dead worker's steps stay Running until taken over).</summary>
    public int RunningIn(int pid)
    {
        var held = HeldBy(pid).ToHashSet();
        return Running.Count(s => held.Contains(s.RequestId));
    }

    public override string ToString() =>
        $"{Completed} completed, {Failed} failed, {RunningSteps} steps running; " +
        string.Join(", ", Requests.GroupBy(r => r.Status).Select(g => $"{g.Key}: {g.Count()}"));
}

/// <summary>
/// What the crash tests share: a database with N subscriber lines and a clerk, and the SM-DP+, billing and
/// network simulators running in the test process — so their ledgers outlive every host process — each
/// with some latency so that executions are really in flight when a host dies. Host processes get
/// <see cref="HostSettings"/> and share the database. <see cref="AssertEverythingHappenedExactlyOnceAsync"/>
/// checks the outcome in every system.
/// </summary>
public sealed class CrashFleet : IAsyncDisposable
{
    public const string ClerkPassword = "correct-horse-battery";
    public const string Store = "BJ-001";

    private static readonly KeyValuePair<string, string?>[] QuietSimulator =
        [new("Logging:LogLevel:Default", "Warning"), new("Logging:LogLevel:Microsoft.Hosting.Lifetime", "Warning")];

    private readonly WebApplication _smdpApp;
    private readonly WebApplication _backendsApp;

    private CrashFleet(TestDatabase database, WebApplication smdpApp, WebApplication backendsApp, IReadOnlyList<FleetLine> lines)
    {
        Database = database;
        _smdpApp = smdpApp;
        _backendsApp = backendsApp;
        Lines = lines;
        SmdpUrl = SmdpSimulatorApp.GetBaseAddress(smdpApp).ToString();
        BackendsUrl = BackendSimulatorsApp.GetBaseAddress(backendsApp).ToString();
        Smdp = new HttpClient { BaseAddress = new Uri(SmdpUrl) };
        Backends = new HttpClient { BaseAddress = new Uri(BackendsUrl) };
    }

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public TestDatabase Database { get; }

    public IReadOnlyList<FleetLine> Lines { get; }

    public string SmdpUrl { get; }

    public string BackendsUrl { get; }

    /// <summary>The SM-DP+ simulator's admin API.</summary>
    public HttpClient Smdp { get; }

    /// <summary>The billing and network simulators' admin API.</summary>
    public HttpClient Backends { get; }

    /// <summary>What the fleet's requests are: cancellations (<see cref="SubmitAsync"/>) or port-outs (<see cref="SubmitPortOutsAsync"/>).</summary>
    public RequestKind Kind { get; private set; } = RequestKind.Cancellation;

    /// <summary>Request id per MSISDN, filled by <see cref="SubmitAsync"/>.</summary>
    public ConcurrentDictionary<string, Guid> Requests { get; } = new();

    /// <summary>
    /// Imports <paramref name="count"/> lines, each with a balance to refund (every fifth none), an Installed
    /// primary profile, and on every third line a companion watch that is still Released at the SM-DP+ (on every
    /// sixth Confirmed), so that its cancelOrder really changes state; seeds the simulators to match.
    /// </summary>
    public static async Task<CrashFleet> StartAsync(PostgresCluster postgres, DatabaseProvider provider, int count)
    {
        var database = await TestDatabase.CreateAsync(provider, postgres);
        var lines = new List<FleetLine>();
        var rows = new List<string>();
        for (var i = 0; i < count; i++)
        {
            var n = TestData.Next();
            var msisdn = TestData.Msisdn(n);
            var idNumber = TestData.ResidentId(n);
            var balance = i % 5 == 4 ? 0m : 20m + i + 0.50m;
            var unbilled = i % 5 == 4 ? 0m : 5.50m;
            List<FleetProfile> profiles = [new(TestData.Iccid(n), TestData.Eid(n), ProfileRole.Primary, ProfileState.Installed)];
            if (i % 3 == 0)
            {
                var c = TestData.Next();
                profiles.Add(new(TestData.Iccid(c), null, ProfileRole.Companion, i % 6 == 0 ? ProfileState.Confirmed : ProfileState.Released));
            }
            var column = string.Join('|', profiles.Select(p => $"{p.Iccid}:{p.Eid}:{(p.Role == ProfileRole.Primary ? "primary" : "companion")}:{(p.Role == ProfileRole.Primary ? "iPhone 16" : "Apple Watch")}"));
            rows.Add(TestData.Row(n, msisdn: msisdn, idNumber: idNumber,
                balance: balance.ToString("0.00", CultureInfo.InvariantCulture), profiles: column));
            lines.Add(new FleetLine(msisdn, idNumber, balance, unbilled, profiles));
        }
        var summary = await database.ImportAsync(TestData.Csv([TestData.Header, .. rows]));
        if (summary.Imported != count)
            throw new InvalidOperationException("Fleet import failed: " + string.Join("; ", summary.Rejected));

        await using (var db = database.CreateContext())
        {
            // The importer knows Released (no EID yet) and Installed; an order confirmed but not released yet is set here.
            foreach (var profile in lines.SelectMany(l => l.Profiles).Where(p => p.State == ProfileState.Confirmed))
                await db.Database.ExecuteSqlAsync($"UPDATE esim_profiles SET \"State\" = 'Confirmed' WHERE \"Iccid\" = {profile.Iccid}", Ct);
            db.StaffMembers.Add(StaffMember.Create("clerk", [StaffRoles.Clerk], Store, TestData.SignInHashOf(ClerkPassword), DateTimeOffset.UtcNow).Value);
            db.StaffMembers.Add(StaffMember.Create("admin", [StaffRoles.Admin], null, TestData.SignInHashOf(ClerkPassword), DateTimeOffset.UtcNow).Value);
            await db.SaveChangesAsync(Ct);
        }

        var smdp = await SmdpSimulatorApp.StartAsync("http://127.0.0.1:0", QuietSimulator, Ct);
        var backends = await BackendSimulatorsApp.StartAsync("http://127.0.0.1:0", QuietSimulator, Ct);
        var fleet = new CrashFleet(database, smdp, backends, lines);
        await fleet.SeedSimulatorsAsync();
        return fleet;
    }

    private async Task SeedSimulatorsAsync()
    {
        foreach (var line in Lines)
        {
            foreach (var profile in line.Profiles)
                await PutAsync(Smdp, $"simulator/profiles/{profile.Iccid}", new { eid = profile.Eid, state = profile.State.ToString() });
            await PutAsync(Backends, $"simulator/billing/accounts/{Escape(line.Msisdn)}",
                new { currency = "CNY", balance = line.Balance, arrears = 0m, unbilledUsage = line.UnbilledUsage, deposit = 0m });
            await PutAsync(Backends, $"simulator/network/subscriptions/{Escape(line.Msisdn)}", new { imsi = "46000" + line.Msisdn[^10..] });
        }
        // Calls take a while, so that a host always has executions in flight: 30 ms billing, 50 ms SM-DP+, 80 ms network.
        await PutAsync(Smdp, "simulator/behaviour", new { latencyMs = 50 });
        await PutAsync(Backends, "simulator/behaviour/billing", new { latencyMs = 30 });
        await PutAsync(Backends, "simulator/behaviour/network", new { latencyMs = 80 });
    }

    /// <summary>
    /// Settings of a host process on this database against the simulators in the test process, with the
    /// execution workers on: fast polling, and by default a lease of 3 s so that a dead worker's claims expire quickly.
    /// A test that kills nothing asks for a longer one: on a busy machine a batch can outlast 3 s between renewals,
    /// and another instance rightly takes its requests over.
    /// </summary>
    public Dictionary<string, string?> HostSettings(int leaseSeconds = 3)
    {
        var settings = Database.HostSettings();
        settings["Simulators:Embedded"] = "false";
        settings["Smdp:BaseUrl"] = SmdpUrl;
        settings["BillingSystem:BaseUrl"] = BackendsUrl;
        settings["NetworkProvisioning:BaseUrl"] = BackendsUrl;
        settings["Execution:Enabled"] = "true";
        settings["Execution:PollMilliseconds"] = "100";
        settings["Execution:LeaseSeconds"] = leaseSeconds.ToString(CultureInfo.InvariantCulture);
        settings["Execution:Concurrency"] = "4";
        settings["Execution:FirstRetryDelayMilliseconds"] = "200";
        settings["Execution:LongestRetryDelaySeconds"] = "1";
        settings["DemoData:Load"] = "false";
        // Worker messages (claims, retries, takeovers) in the captured output, for diagnostics.
        settings["Logging:LogLevel:LastCall.Jobs"] = "Information";
        settings["Logging:LogLevel:LastCall.Features.Execution"] = "Information";
        settings["Logging:Console:FormatterName"] = "simple";
        settings["Logging:Console:FormatterOptions:SingleLine"] = "true";
        settings["Logging:Console:FormatterOptions:TimestampFormat"] = "HH:mm:ss.fff ";
        return settings;
    }

    /// <summary>A clerk at the store signs in to <paramref name="host"/> and cancels each line on the spot (in-person ID check).</summary>
    public async Task SubmitAsync(HostProcess host, IEnumerable<FleetLine> lines)
    {
        using var anonymous = host.CreateClient();
        using var login = await anonymous.PostAsJsonAsync("api/v1/staff/auth/login", new { username = "clerk", password = ClerkPassword }, Ct);
        login.EnsureSuccessStatusCode();
        var token = (await login.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("accessToken").GetString();
        using var clerk = host.CreateClient();
        clerk.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        await Parallel.ForEachAsync(lines, new ParallelOptions { MaxDegreeOfParallelism = 6, CancellationToken = Ct }, async (line, ct) =>
        {
            using var response = await clerk.PostAsJsonAsync("api/v1/cancellations",
                new { msisdn = line.Msisdn, identityCheck = new { method = "in_person_id", idNumber = line.IdNumber } }, ct);
            if (!response.IsSuccessStatusCode)
                throw new InvalidOperationException($"Submitting {line.Msisdn} to {host.Name}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(ct)}");
            Requests[line.Msisdn] = (await response.Content.ReadFromJsonAsync<JsonElement>(ct)).GetProperty("id").GetGuid();
        });
    }

    /// <summary>
    /// A recipient operator's porting system (a porting key the admin creates on <paramref name="host"/>) ports each line
    /// out with the owner's authorization code, which the test sets on the line as if the owner had asked for it.
    /// </summary>
    public async Task SubmitPortOutsAsync(HostProcess host, IReadOnlyList<FleetLine> lines)
    {
        Kind = RequestKind.PortOut;
        const string code = "PORT-2026";
        await using (var db = Database.CreateContext())
        {
            var numbers = lines.Select(l => Domain.Common.Msisdn.Parse(l.Msisdn)).ToList();
            foreach (var line in await db.Lines.Where(l => numbers.Contains(l.Msisdn)).ToListAsync(Ct))
                line.GrantPortAuthorization(ConsentCodes.Hash(code), DateTimeOffset.UtcNow.AddHours(1));
            await db.SaveChangesAsync(Ct);
        }
        using var anonymous = host.CreateClient();
        using var login = await anonymous.PostAsJsonAsync("api/v1/staff/auth/login", new { username = "admin", password = ClerkPassword }, Ct);
        login.EnsureSuccessStatusCode();
        using var admin = host.CreateClient();
        admin.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", (await login.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("accessToken").GetString());
        using var created = await admin.PostAsJsonAsync("api/v1/admin/partners", new { name = "Fleet Mobile", scopes = new[] { "porting" } }, Ct);
        created.EnsureSuccessStatusCode();
        using var porting = host.CreateClient();
        porting.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", (await created.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("apiKey").GetString());
        await Parallel.ForEachAsync(lines, new ParallelOptions { MaxDegreeOfParallelism = 6, CancellationToken = Ct }, async (line, ct) =>
        {
            using var response = await porting.PostAsJsonAsync("api/v1/porting/port-outs", new { msisdn = line.Msisdn, authorizationCode = code, recipientOperator = "Fleet Mobile" }, ct);
            if (!response.IsSuccessStatusCode)
                throw new InvalidOperationException($"Porting {line.Msisdn} out on {host.Name}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(ct)}");
            Requests[line.Msisdn] = (await response.Content.ReadFromJsonAsync<JsonElement>(ct)).GetProperty("id").GetGuid();
        });
    }

    public async Task<FleetProgress> ProgressAsync()
    {
        await using var db = Database.CreateContext();
        var requests = (await db.CancellationRequests.AsNoTracking().Select(r => new { r.Id, r.Status, r.LeaseOwner }).ToListAsync(Ct))
            .Select(r => (r.Id, r.Status, r.LeaseOwner)).ToList();
        var running = (await db.ExecutionSteps.AsNoTracking().Where(s => s.Status == StepStatus.Running)
                .Select(s => new { s.Id, s.RequestId, s.Name, s.Attempts }).ToListAsync(Ct))
            .Select(s => (s.Id, s.RequestId, s.Name, s.Attempts)).ToList();
        return new FleetProgress(requests.Count(r => r.Status == CancellationStatus.Completed), requests.Count(r => r.Status == CancellationStatus.Failed),
            running.Count, requests, running);
    }

    /// <summary>
    /// SIGKILLs <paramref name="host"/> at a moment when <paramref name="when"/> holds of what it leaves behind, and
    /// returns that; null when <paramref name="giveUp"/> holds first. Polling alone cannot promise it: on a busy
    /// machine the steps seen running may finish before the signal lands. So the host is frozen (SIGSTOP), the
    /// statements it had already sent are let finish, and the state is read again: a frozen process changes nothing
    /// more, so what holds then holds at the kill. Otherwise it is thawed and the polling goes on.
    /// </summary>
    public async Task<FleetProgress?> KillWhenAsync(HostProcess host, Func<FleetProgress, bool> when, Func<FleetProgress, bool> giveUp, TimeSpan timeout, Func<string> diagnostics)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var seen = await WaitForAsync(p => when(p) || giveUp(p), deadline - DateTime.UtcNow, diagnostics, pollMilliseconds: 10);
            if (!when(seen))
                return null;
            await host.FreezeAsync();
            await WaitUntilNoStatementRunsAsync();
            var frozen = await ProgressAsync();
            if (when(frozen))
            {
                Assert.Equal(HostProcess.SigkillExitCode, await host.KillAsync());
                return frozen;
            }
            await host.ThawAsync();
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"The host never held that state when frozen within {timeout.TotalSeconds} s: {frozen}\n{diagnostics()}");
        }
    }

    /// <summary>
    /// On PostgreSQL, waits until no other session of this database runs a statement: a frozen host's statement
    /// already sent (a commit, say) still completes on the server. A statement waiting for a lock is not waited for: the
    /// lock may belong to the frozen host's own open transaction. A SQLite host writes in its own process.
    /// </summary>
    private async Task WaitUntilNoStatementRunsAsync()
    {
        if (Database.Provider != DatabaseProvider.Postgres)
            return;
        await using var db = Database.CreateContext();
        while (await db.Database.SqlQueryRaw<int>(
                   "SELECT count(*)::int AS \"Value\" FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid() AND state = 'active' AND wait_event_type IS DISTINCT FROM 'Lock'")
               .SingleAsync(Ct) > 0)
            await Task.Delay(5, Ct);
    }

    /// <summary>Polls the database until <paramref name="done"/> holds; fails early if a request failed, and on timeout.</summary>
    public async Task<FleetProgress> WaitForAsync(Func<FleetProgress, bool> done, TimeSpan timeout, Func<string> diagnostics, int pollMilliseconds = 20)
    {
        var deadline = DateTime.UtcNow + timeout;
        FleetProgress progress;
        do
        {
            progress = await ProgressAsync();
            if (progress.Failed > 0)
                throw new InvalidOperationException($"A request failed: {progress}\n{await FailuresAsync()}\n{diagnostics()}");
            if (done(progress))
                return progress;
            await Task.Delay(pollMilliseconds, Ct);
        }
        while (DateTime.UtcNow < deadline);
        throw new TimeoutException($"Not there within {timeout.TotalSeconds} s: {progress}\n{diagnostics()}");
    }

    private async Task<string> FailuresAsync()
    {
        await using var db = Database.CreateContext();
        var steps = await db.ExecutionSteps.AsNoTracking().Where(s => s.Status == StepStatus.Failed || s.LastError != null).ToListAsync(Ct);
        return string.Join('\n', steps.Select(s => $"{s.RequestId} {s.Name} {s.Status} attempts {s.Attempts}: {s.LastError}"));
    }

    /// <summary>
    /// The heart of both tests: every request completed, and every effect — in the billing system, the network,
    /// the SM-DP+, the register, the outbox, the certificates and the audit trail — happened exactly once.
    /// </summary>
    public async Task AssertEverythingHappenedExactlyOnceAsync()
    {
        var n = Lines.Count;
        Assert.Equal(n, Requests.Count);
        var ids = Requests.Values.ToHashSet();
        await using var db = Database.CreateContext();

        // Every request completed, with its five steps each succeeded once.
        var requests = await db.CancellationRequests.AsNoTracking().ToListAsync(Ct);
        Assert.Equal(n, requests.Count);
        Assert.All(requests, r => Assert.Equal(CancellationStatus.Completed, r.Status));
        Assert.All(requests, r => Assert.Null(r.LeaseOwner));
        Assert.All(requests, r => Assert.Equal(Kind, r.Kind));
        var steps = await db.ExecutionSteps.AsNoTracking().ToListAsync(Ct);
        Assert.Equal(n * ExecutionStep.StepsOf(Kind).Count, steps.Count);
        Assert.All(steps, s => Assert.Equal(StepStatus.Succeeded, s.Status));
        Assert.All(steps.GroupBy(s => s.RequestId), g => Assert.Equal(ExecutionStep.StepsOf(Kind), g.OrderBy(s => s.Position).Select(s => s.Name)));

        foreach (var line in Lines)
        {
            // Billing: replays and refusals never add a ledger entry, so one FinalBill and at most one Refund
            // (exactly one, of the right amount, where the final bill left credit) is "billed once, refunded once".
            var account = await Backends.GetFromJsonAsync<JsonElement>($"simulator/billing/accounts/{Escape(line.Msisdn)}", Ct);
            Assert.Equal("Closed", account.GetProperty("status").GetString());
            var ledger = account.GetProperty("ledger").EnumerateArray().ToList();
            Assert.Single(ledger, e => e.GetProperty("kind").GetString() == "FinalBill");
            var refunds = ledger.Where(e => e.GetProperty("kind").GetString() == "Refund").ToList();
            if (line.Refund > 0)
                Assert.Equal(line.Refund, Assert.Single(refunds).GetProperty("amount").GetDecimal());
            else
                Assert.Empty(refunds);

            // Network: replays add no history, and a deprovisioning that was applied again under another key would
            // show as a Warning (already_deprovisioned) entry; so the only non-seed entry is one Applied deprovision.
            var subscription = await Backends.GetFromJsonAsync<JsonElement>($"simulator/network/subscriptions/{Escape(line.Msisdn)}", Ct);
            Assert.Equal("Deprovisioned", subscription.GetProperty("state").GetString());
            var operations = subscription.GetProperty("history").EnumerateArray().Where(h => h.GetProperty("operation").GetString() != "simulator:seed").ToList();
            var deprovision = Assert.Single(operations);
            Assert.Equal("deprovision", deprovision.GetProperty("operation").GetString());
            Assert.Equal("Applied", deprovision.GetProperty("outcome").GetString());

            // SM-DP+: it keeps the first answer per (requester, function, functionCallIdentifier) and replays it
            // without touching the profile or its history, while every call it does execute — applied or refused —
            // adds one history entry (a refusal with From == To). Our call id is fixed per request and ICCID, so
            // "cancelOrder executed exactly once" is exactly one cancelOrder entry per profile: for a Released or
            // Confirmed companion the one transition to Unavailable; for an Installed primary the one refusal
            // 8.2.1/3.3 (SGP.22 v2 cannot delete a downloaded profile; we retire the ICCID on our side). A second
            // execution — under a new call id, or a lost answer store — would add a second entry (a refusal
            // 8.2.1/3.x on the now Unavailable profile), and every call that did reach it used that one call id.
            foreach (var profile in line.Profiles)
            {
                var atSmdp = await Smdp.GetFromJsonAsync<JsonElement>($"simulator/profiles/{profile.Iccid}", Ct);
                var cancelOrder = Assert.Single(atSmdp.GetProperty("history").EnumerateArray(), h => h.GetProperty("function").GetString() == "cancelOrder");
                if (profile.State == ProfileState.Installed)
                {
                    Assert.Equal("Failed", cancelOrder.GetProperty("status").GetString());
                    Assert.Equal("3.3", cancelOrder.GetProperty("reasonCode").GetString());
                    Assert.Equal("Installed", atSmdp.GetProperty("state").GetString());
                }
                else
                {
                    Assert.Equal("Executed-Success", cancelOrder.GetProperty("status").GetString());
                    Assert.Equal(profile.State.ToString(), cancelOrder.GetProperty("from").GetString());
                    Assert.Equal("Unavailable", cancelOrder.GetProperty("to").GetString());
                    Assert.Equal("Unavailable", atSmdp.GetProperty("state").GetString());
                }
                var calls = await Smdp.GetFromJsonAsync<JsonElement>($"simulator/calls?iccid={profile.Iccid}&function=cancelOrder", Ct);
                Assert.Single(calls.EnumerateArray().Select(c => c.GetProperty("functionCallIdentifier").GetString()).Distinct());
                Assert.Single(calls.EnumerateArray(), c => !c.GetProperty("replayed").GetBoolean());
            }
        }

        if (Kind == RequestKind.PortOut)
            await AssertPortedOutOnceAsync(db, ids, requests, steps.Count);
        else
            await AssertCancelledOnceAsync(db, ids, requests, steps.Count);
    }

    private async Task AssertCancelledOnceAsync(AppDbContext db, HashSet<Guid> ids, List<CancellationRequest> requests, int stepCount)
    {
        var n = Lines.Count;
        // Our side: every line cancelled with its profiles retired, every number quarantined, one register entry
        // per number, one number.disconnected event per request (deduplicated by request), one certificate each.
        var lines = await db.Lines.AsNoTracking().ToListAsync(Ct);
        Assert.All(lines, l => Assert.Equal(LineStatus.Cancelled, l.Status));
        Assert.All(lines.SelectMany(l => l.Profiles), p => Assert.Equal(ProfileState.Unavailable, p.State));
        Assert.All(await db.PoolNumbers.AsNoTracking().ToListAsync(Ct), p => Assert.Equal(NumberState.Quarantined, p.State));
        var register = await db.Disconnections.AsNoTracking().ToListAsync(Ct);
        Assert.Equal(n, register.Count);
        Assert.Equal(Lines.Select(l => l.Msisdn).Order(), register.Select(d => d.Msisdn.Value).Order());
        var events = await db.OutboxEvents.AsNoTracking().Where(e => e.Type == DisconnectStep.NumberDisconnected).ToListAsync(Ct);
        Assert.Equal(n, events.Count);
        Assert.Equal(ids.Select(id => $"{DisconnectStep.NumberDisconnected}:{id:N}").Order(), events.Select(e => e.DeduplicationKey).Order());
        Assert.Equal(Lines.Select(l => l.Msisdn).Order(), events.Select(e => JsonDocument.Parse(e.Payload).RootElement.GetProperty("msisdn").GetString()).Order());
        var certificates = await db.Certificates.AsNoTracking().ToListAsync(Ct);
        Assert.Equal(n, certificates.Count);
        Assert.Equal(ids.Order(), certificates.Select(c => c.RequestId).Order());
        Assert.All(requests, r => Assert.Equal(certificates.Single(c => c.RequestId == r.Id).Number, r.CertificateNumber));

        // The audit trail tells the same story: each action once per request (its local effects commit with the
        // step's success, so a crash leaves either both or neither), and each step's success once, in the event of the
        // outcome it was saved with.
        var audit = await AuditByRequestAsync();
        foreach (var action in new[] { "cancellation.execution_started", "billing.closed", "number.quarantined", "certificate.issued", "cancellation.completed" })
        {
            var byRequest = audit.Where(a => a.Action == action).GroupBy(a => a.RequestId).ToDictionary(g => g.Key, g => g.Count());
            Assert.True(ids.SetEquals(byRequest.Keys) && byRequest.Values.All(c => c == 1),
                $"{action}: expected once for each of {n} requests, got {string.Join(", ", byRequest.Where(kv => kv.Value != 1 || !ids.Contains(kv.Key)).Select(kv => $"{kv.Key}×{kv.Value}"))} and {ids.Except(byRequest.Keys).Count()} missing");
        }
        Assert.Equal(stepCount, await StepsAuditedAsync("cancellation."));
    }

    /// <summary>
    /// A port-out's side: every line ported out with its profiles retired, every number out of our pool without
    /// quarantine, nothing in the register, no certificate, one number.ported_out event per request, and the audit trail
    /// telling each action once per request.
    /// </summary>
    private async Task AssertPortedOutOnceAsync(AppDbContext db, HashSet<Guid> ids, List<CancellationRequest> requests, int stepCount)
    {
        var lines = await db.Lines.AsNoTracking().ToListAsync(Ct);
        Assert.All(lines, l => Assert.Equal(LineStatus.PortedOut, l.Status));
        Assert.All(lines.SelectMany(l => l.Profiles), p => Assert.Equal(ProfileState.Unavailable, p.State));
        Assert.All(await db.PoolNumbers.AsNoTracking().ToListAsync(Ct), p => Assert.Equal(NumberState.PortedOut, p.State));
        Assert.Empty(await db.Disconnections.AsNoTracking().ToListAsync(Ct));
        Assert.Empty(await db.Certificates.AsNoTracking().ToListAsync(Ct));
        Assert.All(requests, r => Assert.Null(r.CertificateNumber));
        var events = await db.OutboxEvents.AsNoTracking().Where(e => e.Type == "number.ported_out").ToListAsync(Ct);
        Assert.Equal(ids.Select(id => $"number.ported_out:{id:N}").Order(), events.Select(e => e.DeduplicationKey).Order());
        Assert.Empty(await db.OutboxEvents.AsNoTracking().Where(e => e.Type == DisconnectStep.NumberDisconnected).ToListAsync(Ct));

        var audit = await AuditByRequestAsync();
        foreach (var action in new[] { "port_out.execution_started", "billing.closed", "number.ported_out", "port_out.completed" })
        {
            var byRequest = audit.Where(a => a.Action == action).GroupBy(a => a.RequestId).ToDictionary(g => g.Key, g => g.Count());
            Assert.True(ids.SetEquals(byRequest.Keys) && byRequest.Values.All(c => c == 1),
                $"{action}: expected once for each of {ids.Count} requests, got {string.Join(", ", byRequest.Where(kv => kv.Value != 1 || !ids.Contains(kv.Key)).Select(kv => $"{kv.Key}×{kv.Value}"))} and {ids.Except(byRequest.Keys).Count()} missing");
        }
        Assert.Equal(stepCount, await StepsAuditedAsync("port_out."));
    }

    /// <summary>How many step successes the execution's audit events (of actions starting with <paramref name="prefix"/>) list.</summary>
    private async Task<int> StepsAuditedAsync(string prefix)
    {
        await using var db = Database.CreateContext();
        var afters = await db.AuditEvents.AsNoTracking().Where(e => e.Action.StartsWith(prefix) && e.After != null).Select(e => e.After!).ToListAsync(Ct);
        var count = 0;
        foreach (var after in afters)
        {
            var root = JsonDocument.Parse(after).RootElement;
            foreach (var name in new[] { "steps", "stepsSucceeded" })
            {
                if (root.TryGetProperty(name, out var steps))
                    count += steps.EnumerateArray().Count(s => s.TryGetProperty("step", out _) && s.TryGetProperty("attempts", out _) && s.TryGetProperty("at", out _));
            }
        }
        return count;
    }

    /// <summary>The execution audit events with the request id (and worker) from their <c>after</c> payload.</summary>
    public async Task<List<(string Action, Guid RequestId, string? Worker)>> AuditByRequestAsync()
    {
        await using var db = Database.CreateContext();
        var rows = await db.AuditEvents.AsNoTracking().Where(e => e.After != null).Select(e => new { e.Action, e.After }).ToListAsync(Ct);
        var result = new List<(string, Guid, string?)>();
        foreach (var row in rows)
        {
            var after = JsonDocument.Parse(row.After!).RootElement;
            if (after.ValueKind == JsonValueKind.Object && after.TryGetProperty("id", out var id) && id.TryGetGuid(out var requestId))
                result.Add((row.Action, requestId, after.TryGetProperty("worker", out var worker) ? worker.GetString() : null));
        }
        return result;
    }

    /// <summary>How many calls the simulators answered from their replay store (a retry of a call they had already applied).</summary>
    public async Task<(int Smdp, int Backends)> ReplaysAsync()
    {
        var smdp = await Smdp.GetFromJsonAsync<JsonElement>("simulator/calls", Ct);
        var backends = await Backends.GetFromJsonAsync<JsonElement>("simulator/calls", Ct);
        return (smdp.EnumerateArray().Count(c => c.GetProperty("replayed").GetBoolean()), backends.EnumerateArray().Count(c => c.GetProperty("replayed").GetBoolean()));
    }

    /// <summary>
    /// Runs <c>lastcall audit verify</c> (through the verb's entry point in this process) and asserts the chain is intact;
    /// returns what the verb printed.
    /// </summary>
    public async Task<string> AssertAuditChainIntactAsync()
    {
        var audit = await LastCallProcess.RunInProcessAsync(Database.DataFolder, standardInput: null, "audit", "verify",
            "--Database:Provider", Database.Provider.ToString(), "--ConnectionStrings:LastCall", Database.ConnectionString,
            "--Security:MasterKey", Database.MasterKey, "--DataFolder", Database.DataFolder);
        Assert.True(audit.ExitCode == 0, $"audit verify: {audit.Output} {audit.Error}");
        Assert.Contains("audit chain intact", audit.Output, StringComparison.Ordinal);
        return audit.Output.Trim();
    }

    public static string Escape(string msisdn) => Uri.EscapeDataString(msisdn);

    private static async Task PutAsync(HttpClient http, string path, object body)
    {
        using var response = await http.PutAsJsonAsync(path, body, Ct);
        if (!response.IsSuccessStatusCode)
            throw new InvalidOperationException($"PUT {path}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(Ct)}");
    }

    public async ValueTask DisposeAsync()
    {
        Smdp.Dispose();
        Backends.Dispose();
        await _smdpApp.DisposeAsync();
        await _backendsApp.DisposeAsync();
        Database.Dispose();
    }
}
