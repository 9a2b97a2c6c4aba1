using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using LastCall.TestSupport;
using Microsoft.EntityFrameworkCore;

namespace LastCall.Tests.Security;

/// <summary>One scenario and one admin session for every bad-input test of the class.</summary>
public sealed class BadInputFixture(PostgresCluster postgres) : IAsyncLifetime
{
    public Scenario Scenario { get; private set; } = null!;

    public HttpClient Admin { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        Scenario = await Scenario.StartAsync(postgres);
        Admin = await Scenario.StaffAsync("admin");
    }

    public async ValueTask DisposeAsync()
    {
        Admin?.Dispose();
        if (Scenario is not null)
            await Scenario.DisposeAsync();
    }
}

/// <summary>
/// Malformed, oversized, mistyped and invalid requests: each is refused with the right status and
/// problem code, shows no internals, and writes nothing.
/// </summary>
public sealed class BadInputTests(BadInputFixture fixture) : IClassFixture<BadInputFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private Scenario Scenario => fixture.Scenario;

    private HttpClient Anonymous => fixture.Scenario.Anonymous;

    [Fact]
    public async Task Login_MalformedJson_Is400InvalidJson_WithoutInternals()
    {
        var before = await CountAsync();
        using var content = new StringContent("""{"msisdn":""", Encoding.UTF8, "application/json");

        using var response = await Anonymous.PostAsync("/api/v1/auth/login", content, Ct);

        var body = await AssertProblemAsync(response, HttpStatusCode.BadRequest, "invalid_json");
        Assert.DoesNotContain("   at ", body, StringComparison.Ordinal);
        Assert.DoesNotContain("Exception", body, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("System.", body, StringComparison.Ordinal);
        Assert.DoesNotContain("LastCall.", body, StringComparison.Ordinal);
        Assert.DoesNotContain("Request request", body, StringComparison.Ordinal);
        Assert.Equal(before, await CountAsync());
    }

    [Fact]
    public async Task Login_MissingPasswordAndCode_Is400ValidationFailed()
    {
        var before = await CountAsync();

        using var response = await Anonymous.PostAsJsonAsync("/api/v1/auth/login", new { msisdn = Scenario.CustomerA.Msisdn }, Ct);

        var body = await AssertProblemAsync(response, HttpStatusCode.BadRequest, "validation_failed");
        Assert.True(JsonDocument.Parse(body).RootElement.GetProperty("errors").TryGetProperty("servicePassword", out _), body);
        Assert.Equal(before, await CountAsync());
    }

    [Fact]
    public async Task Login_EmptyObject_Is400_NamingTheMissingNumber()
    {
        var before = await CountAsync();

        using var response = await Anonymous.PostAsJsonAsync("/api/v1/auth/login", new { }, Ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>(Ct);
        // The number is checked first, so an empty body is reported against msisdn.
        Assert.True(problem.GetProperty("errors").TryGetProperty("msisdn", out _), problem.ToString());
        Assert.Contains(problem.GetProperty("code").GetString(), new[] { "validation_failed", "invalid_msisdn" });
        Assert.Equal(before, await CountAsync());
    }

    [Fact]
    public async Task SignInCode_InvalidNumber_Is400InvalidMsisdn_AndNoChallengeIsStored()
    {
        var before = await CountAsync();

        using var response = await Anonymous.PostAsJsonAsync("/api/v1/auth/otp", new { msisdn = "12345" }, Ct);

        await AssertProblemAsync(response, HttpStatusCode.BadRequest, "invalid_msisdn");
        Assert.Equal(before, await CountAsync());
    }

    [Fact]
    public async Task Login_BodyOverOneMegabyte_Is413PayloadTooLarge()
    {
        var before = await CountAsync();
        var huge = new string('x', 1_500_000);

        // A known length and Expect: 100-continue, as well-behaved clients send large bodies: the server refuses on the
        // declared length before the body is sent, so a busy machine cannot turn the 413 into a reset mid-upload.
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/auth/login")
        {
            Content = new StringContent(JsonSerializer.Serialize(new { msisdn = Scenario.CustomerA.Msisdn, servicePassword = huge, otp = "123456" }), Encoding.UTF8, "application/json"),
        };
        request.Headers.ExpectContinue = true;
        using var response = await Anonymous.SendAsync(request, Ct);

        await AssertProblemAsync(response, HttpStatusCode.RequestEntityTooLarge, "payload_too_large");
        Assert.Equal(before, await CountAsync());
    }

    [Fact]
    public async Task Login_TextPlain_Is415UnsupportedMediaType()
    {
        var before = await CountAsync();
        var json = JsonSerializer.Serialize(new { msisdn = Scenario.CustomerA.Msisdn, servicePassword = Scenario.CustomerA.Password, otp = "123456" });
        using var content = new StringContent(json, Encoding.UTF8, "text/plain");

        using var response = await Anonymous.PostAsync("/api/v1/auth/login", content, Ct);

        await AssertProblemAsync(response, HttpStatusCode.UnsupportedMediaType, "unsupported_media_type");
        Assert.Equal(before, await CountAsync());
    }

    [Fact]
    public async Task CreateStaff_WeakPassword_Is400WeakPassword()
    {
        var before = await CountAsync();

        using var response = await fixture.Admin.PostAsJsonAsync("/api/v1/admin/staff", new { username = NewUsername(), password = "short", roles = new[] { "reviewer" } }, Ct);

        var body = await AssertProblemAsync(response, HttpStatusCode.BadRequest, "weak_password");
        Assert.True(JsonDocument.Parse(body).RootElement.GetProperty("errors").TryGetProperty("password", out _), body);
        Assert.DoesNotContain("short", body, StringComparison.Ordinal);
        Assert.Equal(before, await CountAsync());
    }

    [Fact]
    public async Task CreateStaff_UnknownRole_Is400InvalidRoles()
    {
        var before = await CountAsync();

        using var response = await fixture.Admin.PostAsJsonAsync("/api/v1/admin/staff", new { username = NewUsername(), password = Scenario.StaffPassword, roles = new[] { "janitor" } }, Ct);

        var body = await AssertProblemAsync(response, HttpStatusCode.BadRequest, "invalid_roles");
        Assert.True(JsonDocument.Parse(body).RootElement.GetProperty("errors").TryGetProperty("roles", out _), body);
        Assert.Equal(before, await CountAsync());
    }

    [Fact]
    public async Task CreateStaff_ClerkWithoutStore_Is400StoreRequired()
    {
        var before = await CountAsync();

        using var response = await fixture.Admin.PostAsJsonAsync("/api/v1/admin/staff", new { username = NewUsername(), password = Scenario.StaffPassword, roles = new[] { "clerk" } }, Ct);

        var body = await AssertProblemAsync(response, HttpStatusCode.BadRequest, "store_required");
        Assert.True(JsonDocument.Parse(body).RootElement.GetProperty("errors").TryGetProperty("storeId", out _), body);
        Assert.Equal(before, await CountAsync());
    }

    [Fact]
    public async Task CreateStaff_TakenUsername_Is409UsernameTaken()
    {
        var before = await CountAsync();

        using var response = await fixture.Admin.PostAsJsonAsync("/api/v1/admin/staff", new { username = "clerk", password = Scenario.StaffPassword, roles = new[] { "agent" } }, Ct);

        await AssertProblemAsync(response, HttpStatusCode.Conflict, "username_taken");
        Assert.Equal(before, await CountAsync());
        await using var db = Scenario.Database.CreateContext();
        var clerk = await db.StaffMembers.AsNoTracking().SingleAsync(s => s.Username == "clerk", Ct);
        Assert.Equal(new[] { "clerk" }, clerk.Roles);
        Assert.Equal(Scenario.ClerkStore, clerk.StoreId);
    }

    [Fact]
    public async Task ImportSubscribers_EmptyCsv_Is400MissingHeader()
    {
        var before = await CountAsync();
        using var content = new StringContent("", Encoding.UTF8, "text/csv");

        using var response = await fixture.Admin.PostAsync("/api/v1/admin/imports/subscribers", content, Ct);

        await AssertProblemAsync(response, HttpStatusCode.BadRequest, "missing_header");
        Assert.Equal(before, await CountAsync());
    }

    [Fact]
    public async Task ImportSubscribers_JsonBody_Is415()
    {
        var before = await CountAsync();
        var csv = TestData.Header + "\n" + TestData.Row(TestData.Next()) + "\n";
        using var content = new StringContent(JsonSerializer.Serialize(new { csv }), Encoding.UTF8, "application/json");

        using var response = await fixture.Admin.PostAsync("/api/v1/admin/imports/subscribers", content, Ct);

        await AssertProblemAsync(response, HttpStatusCode.UnsupportedMediaType, "unsupported_media_type");
        Assert.Equal(before, await CountAsync());
    }

    /// <summary>Checks status, media type and code, and that no exception detail leaks; returns the body.</summary>
    private static async Task<string> AssertProblemAsync(HttpResponseMessage response, HttpStatusCode status, string code)
    {
        var body = await response.Content.ReadAsStringAsync(Ct);
        Assert.True(response.StatusCode == status, $"Expected {(int)status} {code}, got {(int)response.StatusCode}: {body}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using var document = JsonDocument.Parse(body);
        Assert.Equal(code, document.RootElement.GetProperty("code").GetString());
        Assert.Equal((int)status, document.RootElement.GetProperty("status").GetInt32());
        Assert.False(document.RootElement.TryGetProperty("exception", out _), body);
        Assert.DoesNotContain("   at ", body, StringComparison.Ordinal);
        return body;
    }

    private static string NewUsername() => "bad-input-" + Guid.NewGuid().ToString("N")[..10];

    private sealed record Counts(int OtpChallenges, int StaffMembers, int AuditEvents, int Partners, int PartnerApiKeys, int Lines, int Customers);

    private async Task<Counts> CountAsync()
    {
        await using var db = Scenario.Database.CreateContext();
        return new Counts(
            await db.OtpChallenges.CountAsync(Ct),
            await db.StaffMembers.CountAsync(Ct),
            await db.AuditEvents.CountAsync(Ct),
            await db.Partners.CountAsync(Ct),
            await db.PartnerApiKeys.CountAsync(Ct),
            await db.Lines.CountAsync(Ct),
            await db.Customers.CountAsync(Ct));
    }
}
