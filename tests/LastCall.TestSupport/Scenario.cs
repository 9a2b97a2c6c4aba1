using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using LastCall.Data;
using LastCall.Domain.Common;
using LastCall.Domain.Identity;
using LastCall.Security;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace LastCall.TestSupport;

/// <summary>A customer's line as the scenario created it.</summary>
public sealed record TestLine(string Msisdn, string Password, string IdNumber);

/// <summary>
/// A running host on a fresh database with known people: customer A owns two lines, customer B one;
/// one staff member per role (clerk at store BJ-001), all with password <see cref="StaffPassword"/>.
/// Helpers sign in through the real endpoints (SMS codes read from the development outbox).
/// </summary>
public sealed partial class Scenario : IAsyncDisposable
{
    public const string StaffPassword = "correct-horse-battery";
    public const string ClerkStore = "BJ-001";

    private Scenario(TestDatabase database, TestHost host, TestLine a1, TestLine a2, TestLine b1)
    {
        Database = database;
        Host = host;
        Anonymous = host.CreateClient();
        CustomerA = a1;
        CustomerASecondLine = a2;
        CustomerB = b1;
    }

    public TestDatabase Database { get; }

    public TestHost Host { get; }

    public HttpClient Anonymous { get; }

    public TestLine CustomerA { get; }

    public TestLine CustomerASecondLine { get; }

    public TestLine CustomerB { get; }

    public static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>
    /// Starts a scenario; <paramref name="configure"/> may change host settings (the OTP send interval is 0 by default),
    /// <paramref name="services"/> the host's services.
    /// </summary>
    public static async Task<Scenario> StartAsync(PostgresCluster postgres, DatabaseProvider provider = DatabaseProvider.Sqlite,
        Action<Dictionary<string, string?>>? configure = null, Action<IServiceCollection>? services = null)
    {
        var database = await TestDatabase.CreateAsync(provider, postgres);
        var n = TestData.Next();
        for (var i = 0; i < 5; i++)
            TestData.Next();
        var idA = TestData.ResidentId(n);
        var a1 = new TestLine(TestData.Msisdn(n), "135790", idA);
        var a2 = new TestLine(TestData.Msisdn(n + 1), "246813", idA);
        var b1 = new TestLine(TestData.Msisdn(n + 2), "975318", TestData.ResidentId(n + 2));
        var summary = await database.ImportAsync(TestData.Csv(TestData.Header,
            TestData.Row(n, msisdn: a1.Msisdn, idNumber: a1.IdNumber, password: TestData.HashOf(a1.Password), name: "张伟"),
            TestData.Row(n + 1, msisdn: a2.Msisdn, idNumber: a2.IdNumber, password: TestData.HashOf(a2.Password), name: "张伟"),
            TestData.Row(n + 2, msisdn: b1.Msisdn, idNumber: b1.IdNumber, password: TestData.HashOf(b1.Password), name: "李娜")));
        if (summary.Imported != 3)
            throw new InvalidOperationException("Scenario import failed: " + string.Join("; ", summary.Rejected));
        await database.UseSignInHashesAsync((a1.Msisdn, a1.Password), (a2.Msisdn, a2.Password), (b1.Msisdn, b1.Password));

        await using (var db = database.CreateContext())
        {
            var hash = TestData.SignInHashOf(StaffPassword);
            foreach (var (username, role, store) in new[]
            {
                ("admin", StaffRoles.Admin, (string?)null), ("supervisor", StaffRoles.Supervisor, null), ("reviewer", StaffRoles.Reviewer, null),
                ("clerk", StaffRoles.Clerk, ClerkStore), ("agent", StaffRoles.Agent, null),
            })
            {
                db.StaffMembers.Add(StaffMember.Create(username, [role], store, hash, DateTimeOffset.UtcNow).Value);
            }
            await db.SaveChangesAsync(Ct);
        }

        var settings = database.HostSettings();
        settings["Security:Otp:MinIntervalSeconds"] = "0";
        settings["Security:Otp:MaxPerHour"] = "1000";
        configure?.Invoke(settings);
        return new Scenario(database, TestHost.Start(settings, services), a1, a2, b1);
    }

    /// <summary>The newest SMS code sent to a number, read from the development outbox.</summary>
    public async Task<string> LatestCodeAsync(string msisdn)
    {
        var messages = await Anonymous.GetFromJsonAsync<JsonElement>($"/api/v1/dev/messages?to={Uri.EscapeDataString(msisdn)}", Ct);
        foreach (var message in messages.EnumerateArray())
        {
            var match = SixDigits().Match(message.GetProperty("body").GetString()!);
            if (match.Success)
                return match.Value;
        }
        throw new InvalidOperationException($"No code was sent to {msisdn}.");
    }

    /// <summary>Signs a customer in (code by SMS, then login) and returns their access token.</summary>
    public async Task<string> CustomerTokenAsync(TestLine line)
    {
        (await Anonymous.PostAsJsonAsync("/api/v1/auth/otp", new { msisdn = line.Msisdn }, Ct)).EnsureSuccessStatusCode();
        var code = await LatestCodeAsync(line.Msisdn);
        var response = await Anonymous.PostAsJsonAsync("/api/v1/auth/login", new { msisdn = line.Msisdn, servicePassword = line.Password, otp = code }, Ct);
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("accessToken").GetString()!;
    }

    public async Task<string> StaffTokenAsync(string username)
    {
        var response = await Anonymous.PostAsJsonAsync("/api/v1/staff/auth/login", new { username, password = StaffPassword }, Ct);
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("accessToken").GetString()!;
    }

    public async Task<HttpClient> CustomerAsync(TestLine line) => Client(await CustomerTokenAsync(line));

    public async Task<HttpClient> StaffAsync(string username) => Client(await StaffTokenAsync(username));

    /// <summary>A client sending the given bearer token (an access token or a partner API key).</summary>
    public HttpClient Client(string bearer)
    {
        var client = Host.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        return client;
    }

    /// <summary>Verifies the caller of a line as the agent (code to the line, then password + code).</summary>
    public async Task VerifyCallerAsync(HttpClient agent, TestLine line)
    {
        (await agent.PostAsync($"/api/v1/calls/{line.Msisdn}/otp", null, Ct)).EnsureSuccessStatusCode();
        var code = await LatestCodeAsync(line.Msisdn);
        (await agent.PostAsJsonAsync($"/api/v1/calls/{line.Msisdn}/verify", new { servicePassword = line.Password, otp = code }, Ct)).EnsureSuccessStatusCode();
    }

    public async ValueTask DisposeAsync()
    {
        Anonymous.Dispose();
        await Host.DisposeAsync();
        Database.Dispose();
    }

    [GeneratedRegex(@"\b\d{6}\b")]
    private static partial Regex SixDigits();
}
