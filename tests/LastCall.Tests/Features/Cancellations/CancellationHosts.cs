using System.Collections.Concurrent;
using LastCall.Data;
using LastCall.Domain.Cancellations;
using LastCall.Domain.Common;
using LastCall.Domain.Customers;
using LastCall.Domain.Identity;
using LastCall.Domain.Lines;
using LastCall.Security;
using LastCall.TestSupport;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Query;

namespace LastCall.Tests.Features.Cancellations;

/// <summary>
/// The cancellation HTTP test classes share their hosts: starting a host (migrations, import, password
/// hashing) is the expensive part, so the classes of this collection run one after another against one
/// SQLite host and, for the persistence and concurrency cases, one PostgreSQL host. Each test arranges
/// its own lines, so tests never depend on each other's data.
/// </summary>
[CollectionDefinition(Name)]
public sealed class CancellationCollection : ICollectionFixture<CancellationHosts>
{
    public const string Name = "Cancellation HTTP";
}

/// <summary>One lazily started <see cref="CancellationHost"/> per provider for the whole collection.</summary>
public sealed class CancellationHosts(PostgresCluster postgres) : IAsyncLifetime
{
    private readonly ConcurrentDictionary<DatabaseProvider, Lazy<Task<CancellationHost>>> _hosts = new();

    public PostgresCluster Postgres => postgres;

    public Task<CancellationHost> ForAsync(DatabaseProvider provider) =>
        _hosts.GetOrAdd(provider, p => new Lazy<Task<CancellationHost>>(() => CancellationHost.StartAsync(postgres, p))).Value;

    public Task<CancellationHost> SqliteAsync() => ForAsync(DatabaseProvider.Sqlite);

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public async ValueTask DisposeAsync()
    {
        foreach (var host in _hosts.Values.Where(h => h.IsValueCreated))
        {
            try
            {
                await (await host.Value).DisposeAsync();
            }
            catch (Exception) when (host.Value.IsFaulted)
            {
                // A host that never started has nothing to stop; its test already failed with the cause.
            }
        }
    }
}

/// <summary>What a test line looks like in the subscriber import (the optional columns included).</summary>
public sealed record LineSpec
{
    public string Name { get; init; } = "王芳";

    /// <summary>Give the ID number of an existing customer to add the line under that customer.</summary>
    public string? IdNumber { get; init; }

    public string Balance { get; init; } = "0.00";

    public string Arrears { get; init; } = "0.00";

    public DateOnly? ContractEndsOn { get; init; }

    /// <summary>Empty, <c>primary</c> or <c>member</c>.</summary>
    public string BundleRole { get; init; } = "";

    public string? BundlePrimary { get; init; }

    public bool PortIn { get; init; }

    public bool FraudHold { get; init; }

    /// <summary>The device label of a companion profile (a watch) sharing the number.</summary>
    public string? Companion { get; init; }

    /// <summary>Empty (active), <c>suspended</c>, <c>barred</c> or <c>cancelled</c>.</summary>
    public string Status { get; init; } = "";

    public string StatusSince { get; init; } = "";

    public string Language { get; init; } = "";

    public string Email { get; init; } = "";
}

/// <summary>
/// A running <see cref="Scenario"/> plus what the cancellation tests need around it: more lines in any
/// state, signed-in clients kept for reuse, a second reviewer and a second clerk, and direct database
/// updates for setup (never for the action under test).
/// </summary>
public sealed class CancellationHost : IAsyncDisposable
{
    public const string LinePassword = TestData.RowPassword;

    private readonly ConcurrentDictionary<string, Lazy<Task<HttpClient>>> _clients = new();

    private CancellationHost(Scenario scenario) => Scenario = scenario;

    public Scenario Scenario { get; }

    public TestDatabase Database => Scenario.Database;

    public DatabaseProvider Provider => Database.Provider;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public static async Task<CancellationHost> StartAsync(PostgresCluster postgres, DatabaseProvider provider, Action<Dictionary<string, string?>>? configure = null)
    {
        var scenario = await Scenario.StartAsync(postgres, provider, configure);
        await using (var db = scenario.Database.CreateContext())
        {
            var hash = TestData.SignInHashOf(Scenario.StaffPassword);
            db.StaffMembers.Add(StaffMember.Create("reviewer2", [StaffRoles.Reviewer], null, hash, DateTimeOffset.UtcNow).Value);
            db.StaffMembers.Add(StaffMember.Create("clerk2", [StaffRoles.Clerk], Scenario.ClerkStore, hash, DateTimeOffset.UtcNow).Value);
            await db.SaveChangesAsync(Ct);
        }
        return new CancellationHost(scenario);
    }

    /// <summary>A signed-in staff client, kept for the host's lifetime.</summary>
    public Task<HttpClient> StaffAsync(string username) =>
        _clients.GetOrAdd("staff:" + username, _ => new Lazy<Task<HttpClient>>(() => Scenario.StaffAsync(username))).Value;

    /// <summary>A client signed in as the owner of <paramref name="line"/>, kept for the host's lifetime.</summary>
    public Task<HttpClient> CustomerAsync(TestLine line) =>
        _clients.GetOrAdd("customer:" + line.Msisdn, _ => new Lazy<Task<HttpClient>>(() => Scenario.CustomerAsync(line))).Value;

    /// <summary>A fresh agent client (agents are verified per call, so tests do not share them).</summary>
    public Task<HttpClient> NewAgentAsync() => Scenario.StaffAsync("agent");

    public async Task<TestLine> AddLineAsync(LineSpec? spec = null) => (await AddLinesAsync(spec ?? new LineSpec()))[0];

    /// <summary>Imports one subscriber row per spec (each its own customer unless it names an ID number) in one import run.</summary>
    public async Task<TestLine[]> AddLinesAsync(params LineSpec[] specs)
    {
        var rows = new List<string>();
        var lines = new List<TestLine>();
        foreach (var spec in specs)
        {
            var n = TestData.Next();
            var idNumber = spec.IdNumber ?? TestData.ResidentId(n);
            var profiles = $"{TestData.Iccid(n)}:{TestData.Eid(n)}:primary:iPhone 16";
            if (spec.Companion is { } device)
            {
                var c = TestData.Next();
                profiles += $"|{TestData.Iccid(c)}:{TestData.Eid(c)}:companion:{device}";
            }
            var msisdn = TestData.Msisdn(n);
            rows.Add(string.Join(',',
                msisdn, spec.Name, "resident_id", idNumber, TestData.HashOf(LinePassword), "5G畅享 129元", "2020-03-01",
                spec.ContractEndsOn?.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture) ?? "",
                spec.Balance, spec.Arrears, spec.BundleRole, spec.PortIn ? "port_in" : "", spec.FraudHold ? "true" : "false", profiles,
                spec.BundlePrimary ?? "", spec.Status, spec.StatusSince, spec.Language, spec.Email));
            lines.Add(new TestLine(msisdn, LinePassword, idNumber));
        }
        var summary = await Database.ImportAsync(TestData.Csv([TestData.HeaderWithStatus, .. rows]));
        if (summary.Imported != specs.Length)
            throw new InvalidOperationException("Test line import failed: " + string.Join("; ", summary.Rejected));
        await Database.UseSignInHashesAsync([.. lines.Select(l => (l.Msisdn, l.Password))]);
        return [.. lines];
    }

    public async Task SetLineAsync(string msisdn, Action<UpdateSettersBuilder<Line>> set)
    {
        var number = Msisdn.Create(msisdn).Value;
        await using var db = Database.CreateContext();
        Assert.Equal(1, await db.Lines.Where(l => l.Msisdn == number).ExecuteUpdateAsync(set, Ct));
    }

    public async Task SetOwnerAsync(string msisdn, Action<UpdateSettersBuilder<Customer>> set)
    {
        var number = Msisdn.Create(msisdn).Value;
        await using var db = Database.CreateContext();
        var customerId = await db.Lines.Where(l => l.Msisdn == number).Select(l => l.CustomerId).SingleAsync(Ct);
        Assert.Equal(1, await db.Customers.Where(c => c.Id == customerId).ExecuteUpdateAsync(set, Ct));
    }

    /// <summary>Every cancellation request row for the line, live or not.</summary>
    public async Task<List<CancellationRequest>> RequestsForAsync(string msisdn)
    {
        var number = Msisdn.Create(msisdn).Value;
        await using var db = Database.CreateContext();
        return await db.CancellationRequests.AsNoTracking().Include(r => r.History).Where(r => r.Msisdn == number).ToListAsync(Ct);
    }

    public async Task<LineStatus> LineStatusInDatabaseAsync(string msisdn)
    {
        var number = Msisdn.Create(msisdn).Value;
        await using var db = Database.CreateContext();
        return await db.Lines.Where(l => l.Msisdn == number).Select(l => l.Status).SingleAsync(Ct);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var client in _clients.Values.Where(c => c.IsValueCreated && c.Value.IsCompletedSuccessfully))
            (await client.Value).Dispose();
        await Scenario.DisposeAsync();
    }
}
