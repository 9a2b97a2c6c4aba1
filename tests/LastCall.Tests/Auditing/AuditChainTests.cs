using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using LastCall.Auditing;
using LastCall.Data;
using LastCall.Domain.Audit;
using LastCall.Domain.Common;
using LastCall.TestSupport;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace LastCall.Tests.Auditing;

/// <summary>
/// The audit trail's hash chain: produced through the real API, verified with the host's verifier, and
/// tampered with in raw SQL the way someone with database access would. One host per provider
/// (<see cref="AuditChainHosts"/>) serves every test: each test starts from the database as the scenario left it,
/// or as <see cref="ProduceChainAsync"/> left it, restored before the test.
/// </summary>
public sealed class AuditChainTests(AuditChainHosts hosts) : IClassFixture<AuditChainHosts>
{
    /// <summary>The entry tampered with: well inside the chain <see cref="ProduceChainAsync"/> builds.</summary>
    private const long Middle = 5;

    /// <summary>The scenario's subscriber import (one audited batch) and the ten events <see cref="ProduceChainAsync"/> makes.</summary>
    private const int ChainLength = 11;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public static TheoryData<DatabaseProvider, string> EditedColumns => new()
    {
        { DatabaseProvider.Sqlite, "Action" },
        { DatabaseProvider.Postgres, "Action" },
        { DatabaseProvider.Sqlite, "After" },
        { DatabaseProvider.Postgres, "After" },
        { DatabaseProvider.Sqlite, "Subject" },
        { DatabaseProvider.Postgres, "ClientAddress" },
    };

    [Theory]
    [MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task RealisticChain_IsIntact_GaplessAndLinked(DatabaseProvider provider)
    {
        var scenario = await hosts.WithChainAsync(provider);

        var result = await VerifyAsync(scenario);
        var events = await EventsAsync(scenario);

        Assert.True(result.Intact, result.FirstBreak?.Reason);
        Assert.Null(result.FirstBreak);
        Assert.Equal(ChainLength, events.Count);
        Assert.Equal(events.Count, result.EntriesChecked);
        Assert.Equal(Enumerable.Range(1, events.Count).Select(i => (long)i), events.Select(e => e.Sequence!.Value));
        Assert.Equal(AuditEvent.GenesisHash, events[0].PreviousHash);
        for (var i = 1; i < events.Count; i++)
            Assert.Equal(events[i - 1].Hash, events[i].PreviousHash);
        Assert.Equal(events.Count, events.Select(e => e.Hash).Distinct().Count());
        Assert.All(events, e => Assert.Matches("^[0-9a-f]{64}$", e.Hash));
        Assert.Equal(
            ["subscribers.batch_imported", "customer.signed_in", "customer.sign_in_failed", "customer.sign_in_failed", "staff.signed_in", "partner.created",
             "line.viewed", "staff.sign_in_failed", "staff.signed_in", "line.viewed", "customer.signed_in"],
            events.Select(e => e.Action));
    }

    [Theory]
    [MemberData(nameof(EditedColumns))]
    public async Task EditedEntry_IsReportedAtItsSequence_AsEdited(DatabaseProvider provider, string column)
    {
        var scenario = await hosts.WithChainAsync(provider);
        var before = (await EventsAsync(scenario))[(int)Middle - 1];

        var sql = column switch
        {
            "Action" => """UPDATE audit_events SET "Action" = {0} WHERE "Sequence" = {1}""",
            "After" => """UPDATE audit_events SET "After" = {0} WHERE "Sequence" = {1}""",
            "Subject" => """UPDATE audit_events SET "Subject" = {0} WHERE "Sequence" = {1}""",
            "ClientAddress" => """UPDATE audit_events SET "ClientAddress" = {0} WHERE "Sequence" = {1}""",
            _ => throw new ArgumentOutOfRangeException(nameof(column)),
        };
        var forged = column == "After" ? """{"forged":true}""" : "forged";
        Assert.Equal(1, await ExecuteAsync(scenario, sql, forged, Middle));

        var after = (await EventsAsync(scenario))[(int)Middle - 1];
        Assert.Equal(before.Hash, after.Hash);
        Assert.NotEqual(before.ChainInput(), after.ChainInput());
        var result = await VerifyAsync(scenario);
        Assert.False(result.Intact);
        Assert.Equal(Middle, result.FirstBreak!.Sequence);
        Assert.Contains("edited", result.FirstBreak.Reason, StringComparison.Ordinal);
        Assert.Equal(Middle - 1, result.EntriesChecked);
    }

    [Theory]
    [MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task DeletedEntry_IsReportedMissing(DatabaseProvider provider)
    {
        var scenario = await hosts.WithChainAsync(provider);

        Assert.Equal(1, await ExecuteAsync(scenario, """DELETE FROM audit_events WHERE "Sequence" = {0}""", Middle));

        var result = await VerifyAsync(scenario);
        Assert.False(result.Intact);
        Assert.Equal(Middle, result.FirstBreak!.Sequence);
        Assert.Contains("missing", result.FirstBreak.Reason, StringComparison.Ordinal);
        Assert.Contains((Middle + 1).ToString(CultureInfo.InvariantCulture), result.FirstBreak.Reason, StringComparison.Ordinal);
        Assert.Equal(Middle - 1, result.EntriesChecked);
    }

    [Theory]
    [MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task DeletedFirstEntry_IsReportedMissing(DatabaseProvider provider)
    {
        var scenario = await hosts.WithChainAsync(provider);

        Assert.Equal(1, await ExecuteAsync(scenario, """DELETE FROM audit_events WHERE "Sequence" = {0}""", 1L));

        var result = await VerifyAsync(scenario);
        Assert.Equal(1, result.FirstBreak!.Sequence);
        Assert.Contains("missing", result.FirstBreak.Reason, StringComparison.Ordinal);
        Assert.Equal(0, result.EntriesChecked);
    }

    [Theory]
    [MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task ReorderedEntries_BreakAtTheFirstOfThePair(DatabaseProvider provider)
    {
        var scenario = await hosts.WithChainAsync(provider);
        var original = await EventsAsync(scenario);

        // Swap every column but the sequence: move k aside, k+1 to k, then the old k to k+1.
        Assert.Equal(1, await ExecuteAsync(scenario, """UPDATE audit_events SET "Sequence" = {0} WHERE "Sequence" = {1}""", -1L, Middle));
        Assert.Equal(1, await ExecuteAsync(scenario, """UPDATE audit_events SET "Sequence" = {0} WHERE "Sequence" = {1}""", Middle, Middle + 1));
        Assert.Equal(1, await ExecuteAsync(scenario, """UPDATE audit_events SET "Sequence" = {0} WHERE "Sequence" = {1}""", Middle + 1, -1L));

        var swapped = await EventsAsync(scenario);
        Assert.Equal(original[(int)Middle].Hash, swapped[(int)Middle - 1].Hash);
        Assert.Equal(original[(int)Middle - 1].Hash, swapped[(int)Middle].Hash);
        var result = await VerifyAsync(scenario);
        Assert.False(result.Intact);
        Assert.Equal(Middle, result.FirstBreak!.Sequence);
        Assert.Contains("reordered", result.FirstBreak.Reason, StringComparison.Ordinal);
        Assert.Equal(Middle - 1, result.EntriesChecked);
    }

    [Theory]
    [MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task EditWithAnotherEntrysHashCopiedIn_IsStillDetected(DatabaseProvider provider)
    {
        var scenario = await hosts.WithChainAsync(provider);

        Assert.Equal(1, await ExecuteAsync(scenario,
            """UPDATE audit_events SET "Action" = {0}, "Hash" = (SELECT e."Hash" FROM audit_events e WHERE e."Sequence" = {1}) WHERE "Sequence" = {2}""",
            "staff.signed_in", Middle + 1, Middle));

        var events = await EventsAsync(scenario);
        Assert.Equal(events[(int)Middle].Hash, events[(int)Middle - 1].Hash);
        var result = await VerifyAsync(scenario);
        Assert.False(result.Intact);
        Assert.Equal(Middle, result.FirstBreak!.Sequence);
        Assert.Contains("edited", result.FirstBreak.Reason, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task SplicedOutEntry_WithSuccessorRelinkedAndRenumbered_IsStillDetected(DatabaseProvider provider)
    {
        var scenario = await hosts.WithChainAsync(provider);

        // Remove entry k without leaving a gap or a broken link: its successor takes over k's link (previous hash) and k's
        // sequence number. Only the successor's own hash, which covers both, gives it away.
        Assert.Equal(1, await ExecuteAsync(scenario,
            """UPDATE audit_events SET "PreviousHash" = (SELECT e."PreviousHash" FROM audit_events e WHERE e."Sequence" = {0}) WHERE "Sequence" = {1}""",
            Middle, Middle + 1));
        Assert.Equal(1, await ExecuteAsync(scenario, """DELETE FROM audit_events WHERE "Sequence" = {0}""", Middle));
        Assert.Equal(1, await ExecuteAsync(scenario, """UPDATE audit_events SET "Sequence" = {0} WHERE "Sequence" = {1}""", Middle, Middle + 1));

        var result = await VerifyAsync(scenario);
        Assert.False(result.Intact);
        Assert.Equal(Middle, result.FirstBreak!.Sequence);
        Assert.Contains("edited", result.FirstBreak.Reason, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task AppendingAfterTampering_StillReportsTheEarliestBreak(DatabaseProvider provider)
    {
        var scenario = await hosts.WithChainAsync(provider);

        // Two edits, the later one first; then the application keeps appending.
        Assert.Equal(1, await ExecuteAsync(scenario, """UPDATE audit_events SET "Action" = {0} WHERE "Sequence" = {1}""", "forged", Middle + 3));
        Assert.Equal(1, await ExecuteAsync(scenario, """UPDATE audit_events SET "After" = {0} WHERE "Sequence" = {1}""", """{"forged":true}""", Middle));
        using (var admin = await scenario.StaffAsync("admin"))
            Assert.Equal(HttpStatusCode.OK, (await admin.GetAsync($"/api/v1/lines/{scenario.CustomerB.Msisdn}", Ct)).StatusCode);
        await scenario.StaffTokenAsync("reviewer");

        var events = await EventsAsync(scenario);
        Assert.Equal(ChainLength + 3, events.Count);
        Assert.Equal(Enumerable.Range(1, events.Count).Select(i => (long)i), events.Select(e => e.Sequence!.Value));
        // The new entries are sealed correctly onto the (tampered) head.
        var key = scenario.Host.Services.GetRequiredService<AuditChainKey>();
        for (var i = ChainLength; i < events.Count; i++)
        {
            Assert.Equal(events[i - 1].Hash, events[i].PreviousHash);
            Assert.Equal(key.Mac(events[i].ChainInput()), events[i].Hash);
        }

        var result = await VerifyAsync(scenario);
        Assert.False(result.Intact);
        Assert.Equal(Middle, result.FirstBreak!.Sequence);
        Assert.Equal(Middle - 1, result.EntriesChecked);
    }

    [Theory]
    [MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task TwentyParallelAuditedRequests_LeaveAnIntactGaplessChain(DatabaseProvider provider)
    {
        var scenario = await hosts.FreshAsync(provider);
        using var admin = await scenario.StaffAsync("admin");
        var before = (await EventsAsync(scenario)).Count;
        string[] staff = ["supervisor", "reviewer", "clerk", "agent"];
        var lines = new[] { scenario.CustomerA, scenario.CustomerASecondLine, scenario.CustomerB };

        // Even requests: an admin opens a line (line.viewed); odd ones: a staff member signs in (staff.signed_in).
        var responses = await Task.WhenAll(Enumerable.Range(0, 20).Select(i => i % 2 == 0
            ? admin.GetAsync($"/api/v1/lines/{lines[i / 2 % lines.Length].Msisdn}", Ct)
            : scenario.Anonymous.PostAsJsonAsync("/api/v1/staff/auth/login", new { username = staff[i / 2 % staff.Length], password = Scenario.StaffPassword }, Ct)));

        Assert.All(responses, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        var events = await EventsAsync(scenario);
        Assert.Equal(before + 20, events.Count);
        Assert.Equal(10, events.Count(e => e.Action == "line.viewed"));
        Assert.Equal(10, events.Count(e => e.Action == "staff.signed_in" && e.Subject != "admin"));
        Assert.Equal(Enumerable.Range(1, events.Count).Select(i => (long)i), events.Select(e => e.Sequence!.Value));
        Assert.Equal(events.Count, events.Select(e => e.PreviousHash).Distinct().Count());
        var result = await VerifyAsync(scenario);
        Assert.True(result.Intact, result.FirstBreak?.Reason);
        Assert.Equal(events.Count, result.EntriesChecked);
    }

    [Theory]
    [MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task TwentyParallelFailedSignIns_LeaveAnIntactGaplessChain(DatabaseProvider provider)
    {
        var scenario = await hosts.FreshAsync(provider);

        var responses = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => scenario.Anonymous.PostAsJsonAsync("/api/v1/auth/login",
            new { msisdn = TestData.Msisdn(TestData.Next()), servicePassword = "000000", otp = "123456" }, Ct)));

        var statuses = string.Join(",", responses.Select(r => (int)r.StatusCode));
        var events = await EventsAsync(scenario);
        Assert.All(responses, r => Assert.Equal(HttpStatusCode.Unauthorized, r.StatusCode));
        Assert.Equal(20, events.Count(e => e.Action == "customer.sign_in_failed"));
        Assert.Equal(Enumerable.Range(1, events.Count).Select(i => (long)i), events.Select(e => e.Sequence!.Value));
        var result = await VerifyAsync(scenario);
        Assert.True(result.Intact, result.FirstBreak?.Reason + statuses);
    }

    /// <summary>The host's sealing job (the turn-if-free call) seals what a request wrote, with no one else sealing.</summary>
    [Theory]
    [MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task TheSealingJob_SealsWhatARequestWrote(DatabaseProvider provider)
    {
        var scenario = await hosts.FreshAsync(provider);
        var sealer = scenario.Host.Services.GetRequiredService<AuditChainSealer>();

        await FailedSignInAsync(scenario);

        await Eventually.TrueAsync(async () => (await sealer.PendingAsync(Ct)).Count == 0, "the sealing job to seal the failed sign-in");
        var events = await EventsAsync(scenario);
        Assert.Equal("customer.sign_in_failed", events[^1].Action);
        Assert.True((await VerifyAsync(scenario)).Intact);
    }

    /// <summary>
    /// Two instances' sealing jobs used to queue behind each other on the sealers' advisory lock. Another sealer (here
    /// the test's own session) holds the turn: the job's ticks and the turn-if-free call leave it, a waiting call (verbs,
    /// shutdown) waits, and once the turn is free the event is sealed into an intact chain.
    /// </summary>
    [Fact]
    public async Task WhileAnotherSealerHasTheTurn_ThePeriodicSealLeavesIt_AndAWaitingSealSealsWhenItsTurnComes()
    {
        var scenario = await hosts.FreshAsync(DatabaseProvider.Postgres);
        var sealer = scenario.Host.Services.GetRequiredService<AuditChainSealer>();
        var interval = scenario.Host.Services.GetRequiredService<AuditSettings>().SealInterval;
        await using var otherSealer = scenario.Database.CreateContext();
        await using var turn = await otherSealer.Database.BeginTransactionAsync(Ct);
        await otherSealer.Database.ExecuteSqlRawAsync($"SELECT pg_advisory_xact_lock({AuditChainSealer.PostgresSealerLockId})", Ct);
        var holder = await otherSealer.Database.SqlQueryRaw<int>("SELECT pg_backend_pid() AS \"Value\"").SingleAsync(Ct);

        await FailedSignInAsync(scenario);
        // Queueing behind the held turn would never end while the test holds it: the bound turns a regression into a failure.
        Assert.Equal(0, await sealer.SealPendingUnlessBusyAsync(Ct).WaitAsync(TimeSpan.FromSeconds(30), Ct));
        var waiting = sealer.SealPendingAsync(Ct);
        await Eventually.TrueAsync(async () => await SessionsBlockedByAsync(scenario, holder) >= 1, "the waiting seal to queue for the turn");
        // Several of the job's ticks pass: none of them queues (a job that waited would be a second session blocked).
        // The pause only gives a regression the chance to show; the assertion cannot fail on a slow machine.
        await Task.Delay(interval * 5, Ct);

        Assert.Equal(1, await SessionsBlockedByAsync(scenario, holder));
        Assert.False(waiting.IsCompleted);
        Assert.Equal(1, (await sealer.PendingAsync(Ct)).Count);
        await turn.RollbackAsync(Ct);
        await waiting.WaitAsync(TimeSpan.FromSeconds(30), Ct);
        Assert.Equal(0, (await sealer.PendingAsync(Ct)).Count);
        var events = await EventsAsync(scenario);
        Assert.Equal("customer.sign_in_failed", events[^1].Action);
        var result = await VerifyAsync(scenario);
        Assert.True(result.Intact, result.FirstBreak?.Reason);
        Assert.Equal(events.Count, result.EntriesChecked);
    }

    /// <summary>
    /// Sessions blocked by the backend <paramref name="holder"/>, asked from a session of its own outside any transaction
    /// (pg_stat_activity is read once per transaction and kept).
    /// </summary>
    private static async Task<int> SessionsBlockedByAsync(Scenario scenario, int holder)
    {
        await using var db = scenario.Database.CreateContext();
        return await db.Database.SqlQuery<int>($"SELECT count(*)::int AS \"Value\" FROM pg_stat_activity WHERE {holder} = ANY (pg_blocking_pids(pid))").SingleAsync(Ct);
    }

    /// <summary>A customer sign-in that fails: one audit event, written unsealed.</summary>
    private static async Task FailedSignInAsync(Scenario scenario) =>
        Assert.Equal(HttpStatusCode.Unauthorized, (await scenario.Anonymous.PostAsJsonAsync("/api/v1/auth/login",
            new { msisdn = TestData.Msisdn(TestData.Next()), servicePassword = "000000", otp = "123456" }, Ct)).StatusCode);

    [Theory]
    [MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task FailedCustomerSignIn_RecordsWhoWhereAndWhy_WithoutSecrets(DatabaseProvider provider)
    {
        const string wrongPassword = "Wr0ng-Secret-Zq";
        var scenario = await hosts.WithChainAsync(provider);
        var b = scenario.CustomerB;
        var unknown = TestData.Msisdn(TestData.Next());
        var wrong = await scenario.Anonymous.PostAsJsonAsync("/api/v1/auth/login", new { msisdn = b.Msisdn, servicePassword = wrongPassword, otp = "123456" }, Ct);
        var stranger = await scenario.Anonymous.PostAsJsonAsync("/api/v1/auth/login", new { msisdn = unknown, servicePassword = wrongPassword, otp = "123456" }, Ct);
        Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, stranger.StatusCode);

        var events = await EventsAsync(scenario);
        var failed = events[^2];
        Assert.Equal("customer.sign_in_failed", failed.Action);
        Assert.Equal(ActorType.Customer, failed.ActorType);
        Assert.True(Guid.TryParse(failed.ActorId, out _), "The failure names the line's owner.");
        Assert.Equal("online", failed.Channel);
        Assert.True(IsLoopback(failed.ClientAddress), failed.ClientAddress);
        Assert.Equal(Msisdn.Create(b.Msisdn).Value.Masked(), failed.Subject);
        Assert.Contains("****", failed.Subject, StringComparison.Ordinal);
        Assert.NotEqual(b.Msisdn, failed.Subject);
        Assert.Equal("wrong_password", JsonDocument.Parse(failed.After!).RootElement.GetProperty("reason").GetString());
        Assert.Null(failed.Before);

        var unknownFailure = events[^1];
        Assert.Equal("customer.sign_in_failed", unknownFailure.Action);
        Assert.Null(unknownFailure.ActorId);
        Assert.Equal(Msisdn.Create(unknown).Value.Masked(), unknownFailure.Subject);
        Assert.Equal("unknown_number", JsonDocument.Parse(unknownFailure.After!).RootElement.GetProperty("reason").GetString());

        // No full number, ID number or password in any column of any row, read back as plain text.
        var rows = await RawRowsAsync(scenario);
        Assert.Equal(events.Count, rows.Count);
        var lines = new[] { scenario.CustomerA, scenario.CustomerASecondLine, scenario.CustomerB };
        string[] secrets =
        [
            .. lines.SelectMany(l => new[] { l.Msisdn, l.Msisdn[3..], l.IdNumber }),
            unknown, unknown[3..], wrongPassword, Scenario.StaffPassword,
        ];
        foreach (var row in rows)
        {
            foreach (var (column, value) in row)
            {
                foreach (var secret in secrets)
                    Assert.False(value.Contains(secret, StringComparison.OrdinalIgnoreCase), $"audit_events.{column} holds '{secret}': {value}");
                // Six-digit service passwords can turn up by chance inside hex hashes and tick counts; everywhere else they must not.
                if (column is not ("Hash" or "PreviousHash" or "At"))
                {
                    foreach (var line in lines)
                        Assert.False(value.Contains(line.Password, StringComparison.Ordinal), $"audit_events.{column} holds a service password: {value}");
                }
            }
        }
    }

    /// <summary>
    /// Ten entries, in this order: customer A signs in; B fails with a wrong password; an unknown number fails;
    /// the admin signs in, creates partner "Bank" (entry 5) and opens A's line; the supervisor fails once, then
    /// signs in and opens B's line; B signs in.
    /// </summary>
    internal static async Task ProduceChainAsync(Scenario scenario)
    {
        await scenario.CustomerTokenAsync(scenario.CustomerA);
        Assert.Equal(HttpStatusCode.Unauthorized, (await scenario.Anonymous.PostAsJsonAsync("/api/v1/auth/login",
            new { msisdn = scenario.CustomerB.Msisdn, servicePassword = "000000", otp = "123456" }, Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await scenario.Anonymous.PostAsJsonAsync("/api/v1/auth/login",
            new { msisdn = TestData.Msisdn(TestData.Next()), servicePassword = "000000", otp = "123456" }, Ct)).StatusCode);
        using (var admin = await scenario.StaffAsync("admin"))
        {
            Assert.Equal(HttpStatusCode.Created, (await admin.PostAsJsonAsync("/api/v1/admin/partners", new { name = "Bank" }, Ct)).StatusCode);
            Assert.Equal(HttpStatusCode.OK, (await admin.GetAsync($"/api/v1/lines/{scenario.CustomerA.Msisdn}", Ct)).StatusCode);
        }
        Assert.Equal(HttpStatusCode.Unauthorized, (await scenario.Anonymous.PostAsJsonAsync("/api/v1/staff/auth/login",
            new { username = "supervisor", password = "not-the-password" }, Ct)).StatusCode);
        using (var supervisor = await scenario.StaffAsync("supervisor"))
            Assert.Equal(HttpStatusCode.OK, (await supervisor.GetAsync($"/api/v1/lines/{scenario.CustomerB.Msisdn}", Ct)).StatusCode);
        await scenario.CustomerTokenAsync(scenario.CustomerB);
        await SealAsync(scenario);
    }

    /// <summary>Seals what the requests wrote (the host's sealing job would within a fraction of a second).</summary>
    private static Task<int> SealAsync(Scenario scenario) =>
        scenario.Host.Services.GetRequiredService<AuditChainSealer>().SealPendingAsync(Ct);

    private static async Task<AuditVerification> VerifyAsync(Scenario scenario)
    {
        await SealAsync(scenario);
        return await scenario.Host.Services.GetRequiredService<AuditChainVerifier>().VerifyAsync(Ct);
    }

    /// <summary>The chain, in order, once everything written so far is sealed.</summary>
    private static async Task<List<AuditEvent>> EventsAsync(Scenario scenario)
    {
        await SealAsync(scenario);
        await using var db = scenario.Database.CreateContext();
        var events = await db.AuditEvents.AsNoTracking().OrderBy(e => e.Sequence).ToListAsync(Ct);
        Assert.All(events, e => Assert.True(e.IsSealed));
        return events;
    }

    private static async Task<int> ExecuteAsync(Scenario scenario, string sql, params object[] parameters)
    {
        await using var db = scenario.Database.CreateContext();
        return await db.Database.ExecuteSqlRawAsync(sql, parameters, Ct);
    }

    /// <summary>Every row of audit_events as column name → value text, straight from the driver.</summary>
    private static async Task<List<List<(string Column, string Value)>>> RawRowsAsync(Scenario scenario)
    {
        await using var db = scenario.Database.CreateContext();
        var connection = db.Database.GetDbConnection();
        await connection.OpenAsync(Ct);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT * FROM audit_events";
        await using var reader = await command.ExecuteReaderAsync(Ct);
        var rows = new List<List<(string, string)>>();
        while (await reader.ReadAsync(Ct))
        {
            var row = new List<(string, string)>();
            for (var i = 0; i < reader.FieldCount; i++)
                row.Add((reader.GetName(i), Convert.ToString(reader.GetValue(i), CultureInfo.InvariantCulture) ?? ""));
            rows.Add(row);
        }
        return rows;
    }

    private static bool IsLoopback(string? address)
    {
        if (!IPAddress.TryParse(address, out var ip))
            return false;
        if (ip.IsIPv4MappedToIPv6)
            ip = ip.MapToIPv4();
        return IPAddress.IsLoopback(ip);
    }
}

/// <summary>
/// One <see cref="Scenario"/> per provider for <see cref="AuditChainTests"/>, started on first use. Starting it keeps two
/// copies of the tables a test changes (the audit trail and the sign-in throttles): as the scenario started, and after
/// <see cref="AuditChainTests.ProduceChainAsync"/>. A test asks for one of the two states and gets the host with those
/// tables put back as they were, so no test sees what an earlier one tampered with, appended or failed.
/// </summary>
public sealed class AuditChainHosts(PostgresCluster postgres) : IAsyncDisposable
{
    private static readonly string[] Tables = ["audit_events", "sign_in_throttles"];

    private readonly ConcurrentDictionary<DatabaseProvider, Lazy<Task<Scenario>>> _scenarios = new();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>The host with its database as the scenario started it (the subscriber import's audited batch only).</summary>
    public async Task<Scenario> FreshAsync(DatabaseProvider provider)
    {
        var scenario = await StartedAsync(provider);
        await RestoreAsync(scenario, "started");
        return scenario;
    }

    /// <summary>The host with its database as <see cref="AuditChainTests.ProduceChainAsync"/> left it: the eleven-entry chain, sealed.</summary>
    public async Task<Scenario> WithChainAsync(DatabaseProvider provider)
    {
        var scenario = await StartedAsync(provider);
        await RestoreAsync(scenario, "chain");
        return scenario;
    }

    private Task<Scenario> StartedAsync(DatabaseProvider provider) =>
        _scenarios.GetOrAdd(provider, p => new Lazy<Task<Scenario>>(() => StartAsync(p))).Value;

    private async Task<Scenario> StartAsync(DatabaseProvider provider)
    {
        var scenario = await Scenario.StartAsync(postgres, provider);
        await scenario.Host.Services.GetRequiredService<AuditChainSealer>().SealPendingAsync(Ct);
        await KeepAsync(scenario, "started");
        await AuditChainTests.ProduceChainAsync(scenario);
        await KeepAsync(scenario, "chain");
        return scenario;
    }

    private static async Task KeepAsync(Scenario scenario, string state)
    {
        await using var db = scenario.Database.CreateContext();
        foreach (var table in Tables)
            await db.Database.ExecuteSqlRawAsync(string.Concat("CREATE TABLE kept_", state, "_", table, " AS SELECT * FROM ", table), Ct);
    }

    private static async Task RestoreAsync(Scenario scenario, string state)
    {
        // What an earlier test's requests left unsealed is sealed first, so the background sealer finds nothing to do meanwhile.
        await scenario.Host.Services.GetRequiredService<AuditChainSealer>().SealPendingAsync(Ct);
        await using var db = scenario.Database.CreateContext();
        await using var transaction = await db.Database.BeginTransactionAsync(Ct);
        foreach (var table in Tables)
        {
            await db.Database.ExecuteSqlRawAsync(string.Concat("DELETE FROM ", table), Ct);
            await db.Database.ExecuteSqlRawAsync(string.Concat("INSERT INTO ", table, " SELECT * FROM kept_", state, "_", table), Ct);
        }
        await transaction.CommitAsync(Ct);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var scenario in _scenarios.Values.Where(s => s.IsValueCreated))
        {
            try
            {
                await (await scenario.Value).DisposeAsync();
            }
            catch (Exception) when (scenario.Value.IsFaulted)
            {
                // A scenario that never started has nothing to stop; its test already failed with the cause.
            }
        }
    }
}
