using System.Buffers.Text;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using LastCall.TestSupport;
using Microsoft.Extensions.DependencyInjection;

namespace LastCall.Tests.Security;

/// <summary>Who calls in the authorization matrix.</summary>
public enum MatrixPrincipal
{
    Anonymous,
    CustomerA,
    CustomerB,
    Clerk,
    Agent,
    Reviewer,
    Supervisor,
    Admin,
    Partner,

    /// <summary>A partner key with the bss scope (the operator's CRM): the TM Forum routes and nothing else.</summary>
    Bss,

    /// <summary>A partner key with the porting scope (another operator's porting system): the port-out routes and nothing else.</summary>
    Porting,
}

/// <summary>What one (principal, endpoint) pair must answer.</summary>
public enum MatrixExpectation
{
    /// <summary>401: no credentials.</summary>
    Unauthorized,

    /// <summary>403: signed in, but the route's policy does not admit the principal.</summary>
    Forbidden,

    /// <summary>
    /// A partner-only route called with a customer or staff token: refused (401 or 403), never served.
    /// The token authenticates, but the partner policy wants the partner kind, so the answer today is 403.
    /// </summary>
    Refused,

    /// <summary>404 line_not_found: another customer's line, existence not revealed.</summary>
    LineNotFound,

    /// <summary>403 caller_not_verified: an agent who has not verified the caller.</summary>
    CallerNotVerified,

    /// <summary>Admitted and read-only: 200.</summary>
    Ok,

    /// <summary>Admitted: anything but 401/403 (and never a 5xx); the body may still be refused for its content.</summary>
    Admitted,
}

/// <summary>The host, principals and throwaway objects shared by every row of the matrix (one scenario per class).</summary>
public sealed class AuthorizationMatrixFixture(PostgresCluster postgres) : IAsyncLifetime
{
    private readonly Dictionary<MatrixPrincipal, HttpClient> _clients = [];

    public Scenario Scenario { get; private set; } = null!;

    public string CustomerAToken { get; private set; } = "";

    /// <summary>A partner whose keys the matrix may add and revoke (never the calling partner).</summary>
    public Guid ThrowawayPartnerId { get; private set; }

    public Guid ThrowawayKeyId { get; private set; }

    /// <summary>An ID document customer A uploaded, and A's online request to cancel their second line.</summary>
    public Guid DocumentId { get; private set; }

    public Guid CancellationId { get; private set; }

    public HttpClient Client(MatrixPrincipal principal) => _clients[principal];

    public async ValueTask InitializeAsync()
    {
        // The simulators run in process so that routes which ask a back-end system (bills) answer for real.
        Scenario = await Scenario.StartAsync(postgres, configure: s => s["Simulators:Embedded"] = "true");
        _clients[MatrixPrincipal.Anonymous] = Scenario.Host.CreateClient();
        CustomerAToken = await Scenario.CustomerTokenAsync(Scenario.CustomerA);
        _clients[MatrixPrincipal.CustomerA] = Scenario.Client(CustomerAToken);
        _clients[MatrixPrincipal.CustomerB] = Scenario.Client(await Scenario.CustomerTokenAsync(Scenario.CustomerB));
        _clients[MatrixPrincipal.Clerk] = await Scenario.StaffAsync("clerk");
        _clients[MatrixPrincipal.Agent] = await Scenario.StaffAsync("agent");
        _clients[MatrixPrincipal.Reviewer] = await Scenario.StaffAsync("reviewer");
        _clients[MatrixPrincipal.Supervisor] = await Scenario.StaffAsync("supervisor");
        _clients[MatrixPrincipal.Admin] = await Scenario.StaffAsync("admin");

        var partner = await CreatePartnerAsync("Matrix partner");
        _clients[MatrixPrincipal.Partner] = Scenario.Client(partner.GetProperty("apiKey").GetString()!);
        var bss = await CreatePartnerAsync("Matrix CRM", ["bss"]);
        _clients[MatrixPrincipal.Bss] = Scenario.Client(bss.GetProperty("apiKey").GetString()!);
        var porting = await CreatePartnerAsync("Matrix porting client", ["porting"]);
        _clients[MatrixPrincipal.Porting] = Scenario.Client(porting.GetProperty("apiKey").GetString()!);
        DocumentId = await TestDocuments.UploadAsync(_clients[MatrixPrincipal.CustomerA], TestDocuments.Png);
        var submitted = await _clients[MatrixPrincipal.CustomerA].PostAsJsonAsync("/api/v1/cancellations",
            new { msisdn = Scenario.CustomerASecondLine.Msisdn, documentIds = new[] { DocumentId } }, Scenario.Ct);
        submitted.EnsureSuccessStatusCode();
        CancellationId = (await submitted.Content.ReadFromJsonAsync<JsonElement>(Scenario.Ct)).GetProperty("id").GetGuid();
        var throwaway = await CreatePartnerAsync("Matrix throwaway partner");
        ThrowawayPartnerId = throwaway.GetProperty("id").GetGuid();
        ThrowawayKeyId = throwaway.GetProperty("keyId").GetGuid();
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var client in _clients.Values)
            client.Dispose();
        if (Scenario is not null)
            await Scenario.DisposeAsync();
    }

    private async Task<JsonElement> CreatePartnerAsync(string name, string[]? scopes = null)
    {
        var response = await _clients[MatrixPrincipal.Admin].PostAsJsonAsync("/api/v1/admin/partners", new { name, scopes }, Scenario.Ct);
        response.EnsureSuccessStatusCode();
        return await response.Content.ReadFromJsonAsync<JsonElement>(Scenario.Ct);
    }
}

/// <summary>
/// Every route of Endpoints.cs against every kind of caller: anonymous → 401, not admitted by the
/// route's policy → 403, another customer's line → 404, an unverified agent → 403 caller_not_verified,
/// admitted → never 401/403. No response ever carries a full ID number.
/// </summary>
public sealed partial class AuthorizationMatrixTests(AuthorizationMatrixFixture fixture) : IClassFixture<AuthorizationMatrixFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private enum Access
    {
        Anyone,
        Customer,
        CustomerOrStaff,
        Clerk,
        Agent,
        Admin,
        Partner,

        /// <summary>Reviewers only.</summary>
        Reviewer,

        /// <summary>Supervisors and admins.</summary>
        Supervisor,

        /// <summary>Who may apply to cancel: the owner, a clerk, an agent.</summary>
        Submitter,

        /// <summary>Clerks, reviewers, supervisors and admins (not agents).</summary>
        BackOffice,

        /// <summary>The document's owner and back-office staff; anyone else (agents included) is told it does not exist.</summary>
        DocumentReader,

        /// <summary>The line's owner (a customer) or a store clerk.</summary>
        OwnerOrClerk,

        /// <summary>Partner keys with the bss scope (the TM Forum routes).</summary>
        Bss,

        /// <summary>Partner keys with the porting scope (the port-out routes).</summary>
        Porting,

        /// <summary>Porting keys and every staff member (a port-out's status).</summary>
        PortingOrStaff,
    }

    /// <param name="ThroughLineAccess">The handler finds the line in the path through LineAccess (owner or permitted staff only).</param>
    /// <param name="Body">A valid-looking body; chosen so that no row changes what another row asserts.</param>
    private sealed record Route(string Method, string Template, Access Access, bool ReadOnly = false, bool ThroughLineAccess = false, Func<AuthorizationMatrixFixture, HttpContent>? Body = null)
    {
        public string Name => $"{Method} {Template}";
    }

    private static readonly Route[] Routes =
    [
        new("GET", "/health/live", Access.Anyone, ReadOnly: true),
        new("GET", "/health/ready", Access.Anyone, ReadOnly: true),
        new("POST", "/api/v1/auth/otp", Access.Anyone, Body: _ => JsonContent.Create(new { msisdn = TestData.Msisdn(TestData.Next()) })),
        // Empty bodies: refused before any password is checked, so no row counts as a failed sign-in.
        new("POST", "/api/v1/auth/login", Access.Anyone, Body: _ => JsonContent.Create(new { })),
        new("POST", "/api/v1/staff/auth/login", Access.Anyone, Body: _ => JsonContent.Create(new { })),
        new("GET", "/api/v1/dev/messages?to={A}", Access.Anyone, ReadOnly: true),

        new("GET", "/api/v1/lines/{A}", Access.CustomerOrStaff, ReadOnly: true, ThroughLineAccess: true),
        // Flagging is idempotent, and a fraud hold changes nothing another row asserts.
        new("POST", "/api/v1/lines/{A}/flag", Access.Customer, ThroughLineAccess: true),
        // Asking partners to drop a previous holder's accounts is once per line; asking again answers the same request.
        new("POST", "/api/v1/lines/{A}/previous-holder-unbinding", Access.Customer, ThroughLineAccess: true),
        // Not read-only in the matrix's sense: the owner's answer is 404 until the row above has run.
        new("GET", "/api/v1/lines/{A}/previous-holder-unbinding", Access.Customer, ThroughLineAccess: true),
        new("POST", "/api/v1/lines/{A}/port-authorization", Access.Customer, ThroughLineAccess: true),
        // A wrong code: refused for its content (200 with the blocker, 422), and A's real code is never asked for.
        new("POST", "/api/v1/porting/port-out-checks", Access.Porting,
            Body: f => JsonContent.Create(new { msisdn = f.Scenario.CustomerA.Msisdn, authorizationCode = "ZZZZ-ZZZZ", idType = "resident_id", idNumber = f.Scenario.CustomerA.IdNumber })),
        new("POST", "/api/v1/porting/port-outs", Access.Porting,
            Body: f => JsonContent.Create(new { msisdn = f.Scenario.CustomerA.Msisdn, authorizationCode = "ZZZZ-ZZZZ", recipientOperator = "Matrix Mobile" })),
        // A cancellation is no port-out: 404 for whoever is admitted.
        new("GET", "/api/v1/porting/port-outs/{cancellation}", Access.PortingOrStaff),
        new("POST", "/api/v1/lines/{A}/account-unlock", Access.Clerk, ThroughLineAccess: true,
            Body: f => JsonContent.Create(new { idType = "resident_id", idNumber = f.Scenario.CustomerA.IdNumber })),

        new("GET", "/api/v1/me/lines", Access.Customer, ReadOnly: true),
        new("GET", "/api/v1/me/account-lock", Access.Customer, ReadOnly: true),
        new("PUT", "/api/v1/me/account-lock", Access.Customer),
        new("POST", "/api/v1/me/account-lock/otp", Access.Customer, Body: f => JsonContent.Create(new { msisdn = f.Scenario.CustomerA.Msisdn })),
        // No password or code: refused as incomplete before the sign-in throttle is touched.
        new("DELETE", "/api/v1/me/account-lock", Access.Customer, Body: f => JsonContent.Create(new { msisdn = f.Scenario.CustomerA.Msisdn, servicePassword = "", otp = "" })),

        new("POST", "/api/v1/calls/{A}/otp", Access.Agent),
        // No code: refused as incomplete, so the agent is never verified and never throttled here.
        new("POST", "/api/v1/calls/{A}/verify", Access.Agent, Body: _ => JsonContent.Create(new { servicePassword = "000000", otp = "" })),

        new("POST", "/api/v1/admin/staff", Access.Admin,
            Body: _ => JsonContent.Create(new { username = "matrix-" + Guid.NewGuid().ToString("N")[..12], password = Scenario.StaffPassword, roles = new[] { "reviewer" } })),
        new("GET", "/api/v1/admin/staff", Access.Admin, ReadOnly: true),
        new("POST", "/api/v1/admin/partners", Access.Admin, Body: _ => JsonContent.Create(new { name = "Matrix " + Guid.NewGuid().ToString("N")[..8] })),
        new("GET", "/api/v1/admin/partners", Access.Admin, ReadOnly: true),
        new("POST", "/api/v1/admin/partners/{partnerId}/keys", Access.Admin),
        new("DELETE", "/api/v1/admin/partners/{partnerId}/keys/{keyId}", Access.Admin),
        new("POST", "/api/v1/admin/imports/subscribers", Access.Admin, Body: _ => new StringContent(TestData.Header + "\n", Encoding.UTF8, "text/csv")),

        new("GET", "/api/v1/partner/me", Access.Partner, ReadOnly: true),
        new("GET", "/api/v1/partner/usage", Access.Partner, ReadOnly: true),
        new("GET", "/api/v1/admin/partners/{partnerId}/usage", Access.Admin, ReadOnly: true),
        // Not a month: refused as invalid for everyone admitted, so no row files a report another row would see.
        new("POST", "/api/v1/admin/reports/disconnections", Access.Supervisor, Body: _ => JsonContent.Create(new { period = "matrix", profile = "generic", format = "csv" })),
        new("GET", "/api/v1/admin/reports/disconnections", Access.Supervisor, ReadOnly: true),
        new("GET", "/api/v1/admin/recycling-notices", Access.Supervisor, ReadOnly: true),
        // No such report: 404 for everyone admitted (admitted, not read).
        new("GET", "/api/v1/admin/reports/disconnections/{cancellation}/files/{item}", Access.Supervisor),
        new("GET", "/api/v1/reassigned-numbers/{A}?since=2023-01-01", Access.Partner, ReadOnly: true),
        new("POST", "/api/v1/reassigned-numbers/query", Access.Partner, Body: f => JsonContent.Create(new { queries = new[] { new { msisdn = f.Scenario.CustomerA.Msisdn, since = "2023-01-01" } } })),
        new("PUT", "/api/v1/partner/watchlist/{A}", Access.Partner),
        new("DELETE", "/api/v1/partner/watchlist/{A}", Access.Partner),
        new("GET", "/api/v1/partner/watchlist", Access.Partner, ReadOnly: true),
        // An internal address: refused for its content (422) by the partner, never stored.
        new("PUT", "/api/v1/partner/webhook", Access.Partner, Body: _ => JsonContent.Create(new { url = "https://169.254.169.254/latest" })),
        new("GET", "/api/v1/partner/webhook", Access.Partner),
        // Not the partner's unbinding request or delivery: 404 for the partner.
        new("POST", "/api/v1/partner/unbinding-requests/{cancellation}/ack", Access.Partner),
        new("POST", "/api/v1/partner/recycling-notices/{cancellation}/ack", Access.Partner),
        new("GET", "/api/v1/partner/recycling-notices", Access.Partner, ReadOnly: true),
        new("GET", "/api/v1/partner/deliveries", Access.Partner, ReadOnly: true),
        new("POST", "/api/v1/partner/deliveries/{cancellation}/redeliver", Access.Partner),
        new("POST", "/api/v1/reassigned-numbers/query.csv", Access.Partner, Body: f => new StringContent($"{f.Scenario.CustomerA.Msisdn},2023-01-01\n", Encoding.UTF8, "text/csv")),

        new("GET", "/api/v1/lines/{A}/precheck", Access.CustomerOrStaff, ReadOnly: true, ThroughLineAccess: true),
        new("GET", "/api/v1/lines/{A}/bills", Access.CustomerOrStaff, ReadOnly: true, ThroughLineAccess: true),
        // A weak new password: admitted callers get 400 weak_service_password and nothing changes.
        new("PUT", "/api/v1/lines/{A}/service-password", Access.OwnerOrClerk, ThroughLineAccess: true, Body: _ => JsonContent.Create(new { currentPassword = "000000", newPassword = "111111" })),
        new("GET", "/api/v1/lines/{A}/suspension", Access.CustomerOrStaff, ThroughLineAccess: true),
        new("POST", "/api/v1/lines/{A}/suspension", Access.CustomerOrStaff, ThroughLineAccess: true),
        new("DELETE", "/api/v1/lines/{A}/suspension", Access.CustomerOrStaff, ThroughLineAccess: true),
        new("POST", "/api/v1/lines/{A}/transfer-consent", Access.Customer, ThroughLineAccess: true),
        // A new owner without an ID number: refused as invalid before anything is looked up or changed.
        new("POST", "/api/v1/lines/{A}/transfers", Access.Clerk, Body: _ => JsonContent.Create(new { newOwner = new { name = "王芳" }, newServicePassword = "123456" })),

        // Multipart without a file: refused for its content by everyone admitted.
        new("POST", "/api/v1/documents", Access.CustomerOrStaff, Body: _ => new MultipartFormDataContent { { new StringContent("x"), "note" } }),
        new("GET", "/api/v1/documents/{document}", Access.DocumentReader, ReadOnly: true),

        // The clerk's in-person check names customer B's ID, so nothing is created.
        new("POST", "/api/v1/cancellations", Access.Submitter, ThroughLineAccess: true,
            Body: f => JsonContent.Create(new { msisdn = f.Scenario.CustomerA.Msisdn, identityCheck = new { method = "in_person_id", idNumber = f.Scenario.CustomerB.IdNumber } })),
        new("GET", "/api/v1/cancellations", Access.BackOffice, ReadOnly: true),
        new("GET", "/api/v1/cancellations/{cancellation}", Access.CustomerOrStaff, ReadOnly: true, ThroughLineAccess: true),
        new("POST", "/api/v1/cancellations/{cancellation}/withdraw", Access.CustomerOrStaff, ThroughLineAccess: true),
        new("POST", "/api/v1/cancellations/{cancellation}/approve", Access.Reviewer),
        new("POST", "/api/v1/cancellations/{cancellation}/reject", Access.Reviewer, Body: _ => JsonContent.Create(new { reason = "matrix" })),
        new("GET", "/api/v1/review-queue", Access.Reviewer, ReadOnly: true),
        // The matrix's request never failed, so a retry is refused for its state (409), never for the caller.
        new("POST", "/api/v1/cancellations/{cancellation}/retry", Access.Supervisor),
        // Not completed, so 404 certificate_not_issued for everyone admitted.
        new("GET", "/api/v1/cancellations/{cancellation}/certificate", Access.CustomerOrStaff, ThroughLineAccess: true),
        new("GET", "/api/v1/cancellations/{cancellation}/unbinding", Access.CustomerOrStaff, ReadOnly: true, ThroughLineAccess: true),
        new("PUT", "/api/v1/cancellations/{cancellation}/unbinding/checklist/{item}", Access.Customer, ThroughLineAccess: true, Body: _ => JsonContent.Create(new { done = true })),
        new("GET", "/api/v1/certificates/{certificateNumber}", Access.Anyone),
        new("POST", "/api/v1/certificates/verify", Access.Anyone, Body: _ => JsonContent.Create(new { canonicalData = "x", signature = "y", keyId = "z" })),
        new("POST", "/api/v1/receipts/verify", Access.Anyone, Body: _ => JsonContent.Create(new { receipt = "a.b.c" })),

        new("GET", "/tmf-api/productInventory/v5/product", Access.Bss, ReadOnly: true),
        // Nobody's product, order or listener: 404 for the bss client.
        new("GET", "/tmf-api/productInventory/v5/product/{cancellation}", Access.Bss),
        new("GET", "/tmf-api/productOrdering/v5/productOrder/{cancellation}", Access.Bss),
        new("DELETE", "/tmf-api/productInventory/v5/hub/{cancellation}", Access.Bss),
        // An internal callback: refused for its content (422), never stored.
        new("POST", "/tmf-api/productInventory/v5/hub", Access.Bss, Body: _ => JsonContent.Create(new { callback = "https://169.254.169.254/latest" })),
        // An action LastCall does not take: refused for its content (422) before anything is looked up.
        new("POST", "/tmf-api/productOrdering/v5/productOrder", Access.Bss,
            Body: f => JsonContent.Create(new { productOrderItem = new[] { new { id = "1", action = "add", product = new { id = f.CancellationId } } } })),
    ];

    public static TheoryData<MatrixPrincipal, string, MatrixExpectation> Matrix()
    {
        var data = new TheoryData<MatrixPrincipal, string, MatrixExpectation>();
        foreach (var route in Routes)
        {
            foreach (var principal in Enum.GetValues<MatrixPrincipal>())
                data.Add(principal, route.Name, Expected(principal, route));
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Matrix))]
    public async Task Route_AnswersThePrincipal_AsItsPolicySays(MatrixPrincipal principal, string route, MatrixExpectation expected)
    {
        var definition = Routes.Single(r => r.Name == route);
        using var request = new HttpRequestMessage(new HttpMethod(definition.Method), Resolve(definition.Template));
        request.Content = definition.Body?.Invoke(fixture);

        using var response = await fixture.Client(principal).SendAsync(request, Ct);
        var body = await response.Content.ReadAsStringAsync(Ct);
        var status = (int)response.StatusCode;
        var what = $"{principal} → {route}: expected {expected}, got {status} {body}";

        switch (expected)
        {
            case MatrixExpectation.Unauthorized:
                Assert.True(status == 401, what);
                break;
            case MatrixExpectation.Forbidden:
                Assert.True(status == 403, what);
                break;
            case MatrixExpectation.Refused:
                Assert.True(status is 401 or 403, what);
                break;
            case MatrixExpectation.LineNotFound:
                Assert.True(status == 404 && CodeOf(body) is "line_not_found" or "cancellation_not_found" or "document_not_found", what);
                Assert.DoesNotContain("张伟", body, StringComparison.Ordinal);
                // The trace id is random hex, which holds the ID number's four leading digits now and then.
                Assert.DoesNotContain(fixture.Scenario.CustomerA.IdNumber[..4], TraceId().Replace(body, ""), StringComparison.Ordinal);
                break;
            case MatrixExpectation.CallerNotVerified:
                Assert.True(status == 403 && CodeOf(body) == "caller_not_verified", what);
                Assert.DoesNotContain("张伟", body, StringComparison.Ordinal);
                break;
            case MatrixExpectation.Ok:
                Assert.True(status == 200, what);
                break;
            case MatrixExpectation.Admitted:
                Assert.True(status is not (401 or 403) && status < 500, what);
                break;
            default:
                Assert.Fail("Unknown expectation " + expected);
                break;
        }

        Assert.DoesNotContain(fixture.Scenario.CustomerA.IdNumber, body, StringComparison.Ordinal);
        Assert.DoesNotContain(fixture.Scenario.CustomerB.IdNumber, body, StringComparison.Ordinal);
    }

    [Fact]
    public void Matrix_CoversEveryPrincipalOnEveryRoute()
    {
        var rows = Matrix();
        Assert.Equal(Routes.Length * Enum.GetValues<MatrixPrincipal>().Length, rows.Count);
        Assert.Equal(Routes.Length, Routes.Select(r => r.Name).Distinct().Count());
    }

    /// <summary>A new endpoint cannot slip past the matrix: every API route the host maps must have a row.</summary>
    [Fact]
    public void Matrix_ListsEveryApiRouteTheHostMaps()
    {
        var mapped = fixture.Scenario.Host.Services.GetRequiredService<Microsoft.AspNetCore.Routing.EndpointDataSource>().Endpoints
            .OfType<Microsoft.AspNetCore.Routing.RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText is { } raw && (raw.StartsWith("/api/", StringComparison.Ordinal) || raw.StartsWith("/tmf-api/", StringComparison.Ordinal) || raw.StartsWith("/health", StringComparison.Ordinal)))
            .SelectMany(e => (e.Metadata.GetMetadata<Microsoft.AspNetCore.Routing.IHttpMethodMetadata>()?.HttpMethods ?? []).Select(m => $"{m} {Normalise(e.RoutePattern.RawText!)}"))
            .Distinct().Order().ToList();
        var listed = Routes.Select(r => $"{r.Method} {Normalise(r.Template.Split('?')[0])}").Distinct().ToHashSet();

        Assert.True(mapped.Count >= Routes.Length - 1, $"Only {mapped.Count} routes found in the host's route table.");
        var missing = mapped.Where(m => !listed.Contains(m)).ToList();
        Assert.True(missing.Count == 0, "Routes without a matrix row: " + string.Join(", ", missing));
    }

    /// <summary>Route parameters named any way, with or without constraints, compare equal.</summary>
    private static string Normalise(string template) =>
        System.Text.RegularExpressions.Regex.Replace(template.TrimEnd('/'), @"\{[^}]+\}", "{}");

    [Fact]
    public async Task ForgedTokens_AreRefused_WhileTheGenuineTokenWorks()
    {
        var token = fixture.CustomerAToken;
        var parts = token.Split('.');
        Assert.Equal(3, parts.Length);

        // Same header and claims, the signature's bits flipped.
        var signature = Base64Url.DecodeFromChars(parts[2]);
        for (var i = 0; i < signature.Length; i++)
            signature[i] ^= 0x5A;
        var flipped = $"{parts[0]}.{parts[1]}.{Base64Url.EncodeToString(signature)}";

        // A well-formed HS256 token signed with a key that is not the server's.
        var foreignKey = RandomNumberGenerator.GetBytes(32);
        var wrongKey = $"{parts[0]}.{parts[1]}.{Base64Url.EncodeToString(HMACSHA256.HashData(foreignKey, Encoding.ASCII.GetBytes(parts[0] + "." + parts[1])))}";

        // The genuine signature over claims promoted to an admin.
        var claims = JsonNode.Parse(Base64Url.DecodeFromChars(parts[1]))!.AsObject();
        claims["kind"] = "staff";
        claims["role"] = new JsonArray("admin");
        var promoted = $"{parts[0]}.{Base64Url.EncodeToString(Encoding.UTF8.GetBytes(claims.ToJsonString()))}.{parts[2]}";

        // No signature at all.
        var unsigned = $"{Base64Url.EncodeToString("""{"alg":"none","typ":"JWT"}"""u8)}.{parts[1]}.";

        var line = $"/api/v1/lines/{fixture.Scenario.CustomerA.Msisdn}";
        using (var genuine = fixture.Scenario.Client(token))
        {
            Assert.Equal(HttpStatusCode.OK, (await genuine.GetAsync("/api/v1/me/lines", Ct)).StatusCode);
            Assert.Equal(HttpStatusCode.OK, (await genuine.GetAsync(line, Ct)).StatusCode);
        }

        foreach (var (name, forged) in new[] { ("flipped signature", flipped), ("foreign key", wrongKey), ("promoted claims", promoted), ("alg none", unsigned) })
        {
            using var client = fixture.Scenario.Client(forged);
            var mine = await client.GetAsync("/api/v1/me/lines", Ct);
            var theLine = await client.GetAsync(line, Ct);
            var staffList = await client.GetAsync("/api/v1/admin/staff", Ct);
            Assert.True(mine.StatusCode == HttpStatusCode.Unauthorized, $"{name}: /me/lines gave {(int)mine.StatusCode}");
            Assert.True(theLine.StatusCode == HttpStatusCode.Unauthorized, $"{name}: the line gave {(int)theLine.StatusCode}");
            Assert.True(staffList.StatusCode == HttpStatusCode.Unauthorized, $"{name}: /admin/staff gave {(int)staffList.StatusCode}");
        }
    }

    [Fact]
    public async Task MadeUpPartnerKey_IsRefusedWith401()
    {
        using var client = fixture.Scenario.Client("lcp_" + Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32)));

        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync("/api/v1/partner/me", Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync($"/api/v1/lines/{fixture.Scenario.CustomerA.Msisdn}", Ct)).StatusCode);
    }

    [Fact]
    public async Task PartnerKey_NamesItsPartner()
    {
        var me = await fixture.Client(MatrixPrincipal.Partner).GetFromJsonAsync<JsonElement>("/api/v1/partner/me", Ct);

        Assert.Equal("Matrix partner", me.GetProperty("name").GetString());
        Assert.NotEqual(fixture.ThrowawayPartnerId, me.GetProperty("id").GetGuid());
    }

    [Fact]
    public async Task Agent_AfterVerifyingTheCaller_SeesThatLineOnly()
    {
        var scenario = fixture.Scenario;
        // A second agent, so the matrix's agent stays unverified whatever the order of the tests.
        var username = "agent-" + Guid.NewGuid().ToString("N")[..10];
        var created = await fixture.Client(MatrixPrincipal.Admin).PostAsJsonAsync("/api/v1/admin/staff",
            new { username, password = Scenario.StaffPassword, roles = new[] { "agent" } }, Ct);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        using var agent = await scenario.StaffAsync(username);
        var lineA = $"/api/v1/lines/{scenario.CustomerA.Msisdn}";
        var lineB = $"/api/v1/lines/{scenario.CustomerB.Msisdn}";

        var before = await agent.GetAsync(lineA, Ct);
        Assert.Equal(HttpStatusCode.Forbidden, before.StatusCode);
        Assert.Equal("caller_not_verified", CodeOf(await before.Content.ReadAsStringAsync(Ct)));

        await scenario.VerifyCallerAsync(agent, scenario.CustomerA);

        var after = await agent.GetAsync(lineA, Ct);
        Assert.Equal(HttpStatusCode.OK, after.StatusCode);
        var detail = await after.Content.ReadFromJsonAsync<JsonElement>(Ct);
        Assert.Equal(scenario.CustomerA.Msisdn, detail.GetProperty("msisdn").GetString());
        Assert.Equal(Masked(scenario.CustomerA.IdNumber), detail.GetProperty("owner").GetProperty("idNumberMasked").GetString());

        var other = await agent.GetAsync(lineB, Ct);
        Assert.Equal(HttpStatusCode.Forbidden, other.StatusCode);
        Assert.Equal("caller_not_verified", CodeOf(await other.Content.ReadAsStringAsync(Ct)));

        // A verification belongs to the agent who made it.
        var unverified = await fixture.Client(MatrixPrincipal.Agent).GetAsync(lineA, Ct);
        Assert.Equal(HttpStatusCode.Forbidden, unverified.StatusCode);
    }

    [Fact]
    public async Task IdNumbers_InCustomerAndStaffResponses_AreMasked()
    {
        var scenario = fixture.Scenario;
        var a = scenario.CustomerA;
        var b = scenario.CustomerB;
        var viewers = new[] { MatrixPrincipal.Clerk, MatrixPrincipal.Reviewer, MatrixPrincipal.Supervisor, MatrixPrincipal.Admin };

        var seen = new List<(string What, string Body)>();
        foreach (var (who, line) in new[] { (MatrixPrincipal.CustomerA, a), (MatrixPrincipal.CustomerA, scenario.CustomerASecondLine), (MatrixPrincipal.CustomerB, b) }
            .Concat(viewers.SelectMany(v => new[] { (v, a), (v, b) })))
        {
            var response = await fixture.Client(who).GetAsync($"/api/v1/lines/{line.Msisdn}", Ct);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var body = await response.Content.ReadAsStringAsync(Ct);
            var masked = JsonDocument.Parse(body).RootElement.GetProperty("owner").GetProperty("idNumberMasked").GetString();
            Assert.Equal(Masked(line.IdNumber), masked);
            seen.Add(($"{who} GET line {line.Msisdn}", body));
        }
        foreach (var (who, path) in new[]
        {
            (MatrixPrincipal.CustomerA, "/api/v1/me/lines"), (MatrixPrincipal.CustomerB, "/api/v1/me/lines"),
            (MatrixPrincipal.CustomerA, "/api/v1/me/account-lock"), (MatrixPrincipal.Admin, "/api/v1/admin/staff"),
            (MatrixPrincipal.Admin, "/api/v1/admin/partners"),
        })
        {
            var response = await fixture.Client(who).GetAsync(path, Ct);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            seen.Add(($"{who} GET {path}", await response.Content.ReadAsStringAsync(Ct)));
        }

        var leaks = seen.Where(s => s.Body.Contains(a.IdNumber, StringComparison.Ordinal) || s.Body.Contains(b.IdNumber, StringComparison.Ordinal)).Select(s => s.What).ToList();
        Assert.True(leaks.Count == 0, "Full ID numbers in: " + string.Join("; ", leaks));
    }

    private static MatrixExpectation Expected(MatrixPrincipal principal, Route route)
    {
        if (route.Access == Access.Anyone)
            return route.ReadOnly ? MatrixExpectation.Ok : MatrixExpectation.Admitted;
        if (principal == MatrixPrincipal.Anonymous)
            return MatrixExpectation.Unauthorized;
        if (route.Access == Access.DocumentReader)
            return principal is MatrixPrincipal.CustomerB or MatrixPrincipal.Agent ? MatrixExpectation.LineNotFound
                : principal is MatrixPrincipal.Partner or MatrixPrincipal.Bss or MatrixPrincipal.Porting ? MatrixExpectation.Forbidden : MatrixExpectation.Ok;
        if (!Admits(route.Access, principal))
            return route.Access == Access.Partner && principal is not (MatrixPrincipal.Bss or MatrixPrincipal.Porting) ? MatrixExpectation.Refused : MatrixExpectation.Forbidden;
        if (route.ThroughLineAccess && principal == MatrixPrincipal.CustomerB)
            return MatrixExpectation.LineNotFound;
        if (route.ThroughLineAccess && principal == MatrixPrincipal.Agent)
            return MatrixExpectation.CallerNotVerified;
        return route.ReadOnly ? MatrixExpectation.Ok : MatrixExpectation.Admitted;
    }

    private static bool Admits(Access access, MatrixPrincipal principal) => access switch
    {
        Access.Anyone => true,
        Access.Customer => principal is MatrixPrincipal.CustomerA or MatrixPrincipal.CustomerB,
        Access.CustomerOrStaff => principal is not (MatrixPrincipal.Anonymous or MatrixPrincipal.Partner or MatrixPrincipal.Bss or MatrixPrincipal.Porting),
        Access.Clerk => principal == MatrixPrincipal.Clerk,
        Access.Agent => principal == MatrixPrincipal.Agent,
        Access.Admin => principal == MatrixPrincipal.Admin,
        Access.Partner => principal == MatrixPrincipal.Partner,
        Access.Reviewer => principal == MatrixPrincipal.Reviewer,
        Access.Supervisor => principal is MatrixPrincipal.Supervisor or MatrixPrincipal.Admin,
        Access.Submitter => principal is MatrixPrincipal.CustomerA or MatrixPrincipal.CustomerB or MatrixPrincipal.Clerk or MatrixPrincipal.Agent,
        Access.BackOffice => principal is MatrixPrincipal.Clerk or MatrixPrincipal.Reviewer or MatrixPrincipal.Supervisor or MatrixPrincipal.Admin,
        Access.OwnerOrClerk => principal is MatrixPrincipal.CustomerA or MatrixPrincipal.CustomerB or MatrixPrincipal.Clerk,
        Access.Bss => principal == MatrixPrincipal.Bss,
        Access.Porting => principal == MatrixPrincipal.Porting,
        Access.PortingOrStaff => principal is MatrixPrincipal.Porting or MatrixPrincipal.Clerk or MatrixPrincipal.Agent or MatrixPrincipal.Reviewer
            or MatrixPrincipal.Supervisor or MatrixPrincipal.Admin,
        _ => false,
    };

    private string Resolve(string template) => template
        .Replace("{A}", fixture.Scenario.CustomerA.Msisdn, StringComparison.Ordinal)
        .Replace("{partnerId}", fixture.ThrowawayPartnerId.ToString(), StringComparison.Ordinal)
        .Replace("{keyId}", fixture.ThrowawayKeyId.ToString(), StringComparison.Ordinal)
        .Replace("{document}", fixture.DocumentId.ToString(), StringComparison.Ordinal)
        .Replace("{certificateNumber}", "LC-2026-0000-0000-0000-0000", StringComparison.Ordinal)
        .Replace("{cancellation}", fixture.CancellationId.ToString(), StringComparison.Ordinal)
        .Replace("{item}", "qq", StringComparison.Ordinal);

    private static string Masked(string idNumber) => idNumber[..4] + "**********" + idNumber[14..];

    [GeneratedRegex("\"traceId\":\"[^\"]*\"")]
    private static partial Regex TraceId();

    private static string? CodeOf(string body)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            return document.RootElement.ValueKind == JsonValueKind.Object && document.RootElement.TryGetProperty("code", out var code) ? code.GetString() : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
