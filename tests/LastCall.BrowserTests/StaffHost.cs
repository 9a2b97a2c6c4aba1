using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using LastCall.BrowserTests.Infrastructure;
using LastCall.Data;
using LastCall.Domain.Identity;
using LastCall.Security;
using LastCall.Tests.Imports;
using LastCall.Tests.Infrastructure;
using Microsoft.Playwright;

namespace LastCall.BrowserTests;

/// <summary>A customer's line as the staff host imported it (the ID number is what a clerk reads off the card).</summary>
public sealed record StaffLine(string Msisdn, string Password, string IdNumber, string Name)
{
    public string Typed => Msisdn[3..];
}

[CollectionDefinition(Name)]
public sealed class StaffCollection : ICollectionFixture<StaffHost>
{
    public const string Name = "Staff console in Chromium";
}

/// <summary>
/// One host for the staff console's browser tests: the real LastCall on Kestrel with a fresh SQLite
/// file, the execution workers and the embedded simulators on (so a store cancellation completes and
/// its certificate exists), one staff member per role (clerk at BJ-001, a second clerk at SH-002),
/// and two online applications with uploaded ID documents waiting for review. Headless Debian Chromium.
/// </summary>
public sealed partial class StaffHost : IAsyncLifetime
{
    public const string StaffPassword = "correct-horse-battery";
    public const string Store = "BJ-001";
    public const string OtherStore = "SH-002";


    private TestDatabase? _database;
    private TestHost? _host;
    private IPlaywright? _playwright;
    private IBrowser? _browser;
    private HttpClient? _api;

    /// <summary>Cancelled at the counter by the BJ-001 clerk (owner with a long name).</summary>
    public StaffLine Counter { get; private set; } = null!;

    /// <summary>Cancelled at the counter by the SH-002 clerk.</summary>
    public StaffLine OtherStoreLine { get; private set; } = null!;

    /// <summary>The caller in the call-centre test.</summary>
    public StaffLine Caller { get; private set; } = null!;

    /// <summary>Owes money: the counter shows the blocker.</summary>
    public StaffLine Owing { get; private set; } = null!;

    /// <summary>Applied online (waiting for review): approved in the reviewer test.</summary>
    public StaffLine ToApprove { get; private set; } = null!;

    /// <summary>Applied online (waiting for review): rejected in the reviewer test.</summary>
    public StaffLine ToReject { get; private set; } = null!;

    /// <summary>Its final bill is refused by the billing simulator: the execution fails (dashboard, retry).</summary>
    public StaffLine Failing { get; private set; } = null!;

    /// <summary>Suspended, resumed and transferred at the counter.</summary>
    public StaffLine Transfer { get; private set; } = null!;

    /// <summary>The ID number of the person the <see cref="Transfer"/> line goes to (no record yet).</summary>
    public string NewOwnerIdNumber { get; private set; } = null!;

    public IReadOnlyDictionary<string, Guid> Applications { get; private set; } = new Dictionary<string, Guid>();

    public Uri BaseUrl { get; private set; } = null!;

    public HttpClient Api => _api!;

    public TestDatabase Database => _database!;

    public TestHost Host => _host!;

    public static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        if (!File.Exists(PortalHost.ChromiumPath))
            throw new InvalidOperationException($"{PortalHost.ChromiumPath} is missing: install Debian's chromium (scripts/test does).");
        _database = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite, null!);
        var n = TestData.Next();
        for (var i = 0; i < 8; i++)
            TestData.Next();
        StaffLine Make(int k, string password, string name) => new(TestData.Msisdn(n + k), password, TestData.ResidentId(n + k), name);
        Counter = Make(0, "135790", PortalHost.LongName);
        OtherStoreLine = Make(1, "246813", "孙丽");
        Caller = Make(2, "975318", "周杰");
        Owing = Make(3, "864209", "吴敏");
        ToApprove = Make(4, "112358", "郑强");
        ToReject = Make(5, "314159", "冯雪");
        Failing = Make(6, "271828", "陈刚");
        Transfer = Make(7, "161803", "褚红");
        NewOwnerIdNumber = TestData.ResidentId(n + 8);
        var rows = new[] { Counter, OtherStoreLine, Caller, Owing, ToApprove, ToReject, Failing, Transfer }
            .Select((l, k) => TestData.Row(n + k, msisdn: l.Msisdn, idNumber: l.IdNumber, password: l.Password, name: l.Name, arrears: l == Owing ? "86.40" : "0.00"))
            .ToArray();
        var summary = await _database.ImportAsync(TestData.Csv([TestData.Header, .. rows]));
        if (summary.Imported != rows.Length)
            throw new InvalidOperationException("Staff host import failed: " + string.Join("; ", summary.Rejected));

        await using (var db = _database.CreateContext())
        {
            var hash = SecretHasher.Hash(StaffPassword);
            foreach (var (username, role, store) in new[]
            {
                ("admin", StaffRoles.Admin, (string?)null), ("supervisor", StaffRoles.Supervisor, null), ("reviewer", StaffRoles.Reviewer, null),
                ("clerk", StaffRoles.Clerk, Store), ("clerk2", StaffRoles.Clerk, OtherStore), ("agent", StaffRoles.Agent, null),
            })
            {
                db.StaffMembers.Add(StaffMember.Create(username, [role], store, hash, DateTimeOffset.UtcNow).Value);
            }
            await db.SaveChangesAsync(Ct);
        }

        var settings = _database.HostSettings();
        settings["Security:Otp:MinIntervalSeconds"] = "0";
        settings["Security:Otp:MaxPerHour"] = "1000";
        settings["Execution:Enabled"] = "true";
        settings["Simulators:Embedded"] = "true";
        settings["Execution:PollMilliseconds"] = "100";
        settings["Execution:FirstRetryDelayMilliseconds"] = "200";
        settings["Execution:LongestRetryDelaySeconds"] = "1";
        settings["Smdp:TimeoutSeconds"] = "2";
        settings["Smdp:MaxRetryAttempts"] = "1";
        _host = TestHost.Start(settings);
        _api = _host.CreateClient();
        BaseUrl = _api.BaseAddress!;

        // Two online applications with an uploaded ID document, waiting for review.
        var applications = new Dictionary<string, Guid>();
        foreach (var line in new[] { ToApprove, ToReject })
            applications[line.Msisdn] = await ApplyOnlineAsync(line);
        Applications = applications;

        _playwright = await Playwright.CreateAsync();
        _browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions { ExecutablePath = PortalHost.ChromiumPath, Headless = true });
    }

    /// <summary>The owner applies through the API: sign in, upload the ID photo, submit.</summary>
    private async Task<Guid> ApplyOnlineAsync(StaffLine line)
    {
        (await Api.PostAsJsonAsync("/api/v1/auth/otp", new { msisdn = line.Msisdn }, Ct)).EnsureSuccessStatusCode();
        var code = await LatestCodeAsync(line.Msisdn);
        var login = await Api.PostAsJsonAsync("/api/v1/auth/login", new { msisdn = line.Msisdn, servicePassword = line.Password, otp = code }, Ct);
        login.EnsureSuccessStatusCode();
        var token = (await login.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("accessToken").GetString();
        using var client = _host!.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var form = new MultipartFormDataContent();
        var file = new ByteArrayContent(StaffSampleDocument.Png());
        file.Headers.ContentType = new MediaTypeHeaderValue("image/png");
        form.Add(file, "file", "id-card.png");
        var upload = await client.PostAsync("/api/v1/documents", form, Ct);
        upload.EnsureSuccessStatusCode();
        var documentId = (await upload.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("id").GetGuid();
        var submit = await client.PostAsJsonAsync("/api/v1/cancellations", new { msisdn = line.Msisdn, documentIds = new[] { documentId } }, Ct);
        submit.EnsureSuccessStatusCode();
        return (await submit.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("id").GetGuid();
    }

    /// <summary>A staff member's API client (bearer token from the staff sign-in).</summary>
    public async Task<HttpClient> StaffApiAsync(string username)
    {
        var response = await Api.PostAsJsonAsync("/api/v1/staff/auth/login", new { username, password = StaffPassword }, Ct);
        response.EnsureSuccessStatusCode();
        var client = _host!.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", (await response.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("accessToken").GetString());
        return client;
    }

    /// <summary>A fresh browser context (no cookies) at the given width.</summary>
    public async Task<BrowserSession> OpenAsync(int width = 1280, int height = 900)
    {
        var context = await _browser!.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = BaseUrl.ToString(),
            ViewportSize = new ViewportSize { Width = width, Height = height },
            AcceptDownloads = true,
        });
        return new BrowserSession(context, await context.NewPageAsync());
    }

    /// <summary>Signs a staff member in through the console's form.</summary>
    public static async Task SignInAsync(IPage page, string username, bool english = false)
    {
        await page.GotoAsync("/staff/signin");
        if (english)
            await page.GetByTestId("switch-language").ClickAsync();
        await page.Locator("#username").FillAsync(username);
        await page.Locator("#password").FillAsync(StaffPassword);
        await page.GetByTestId("staff-sign-in").ClickAsync();
        await page.WaitForURLAsync(url => !url.Contains("/signin", StringComparison.Ordinal));
    }

    /// <summary>Signs a customer in through the portal's form (code read from the development outbox).</summary>
    public async Task CustomerSignInAsync(IPage page, StaffLine line)
    {
        await page.GotoAsync("/portal/signin");
        await page.Locator("#msisdn").FillAsync(line.Typed);
        await page.GetByTestId("send-code").ClickAsync();
        await page.GetByTestId("code-sent").WaitForAsync();
        var code = await LatestCodeAsync(line.Msisdn);
        await page.Locator("#msisdn").FillAsync(line.Typed);
        await page.Locator("#password").FillAsync(line.Password);
        await page.Locator("#otp").FillAsync(code);
        await page.GetByTestId("sign-in").ClickAsync();
        await page.WaitForURLAsync(url => !url.Contains("/signin", StringComparison.Ordinal));
    }

    /// <summary>The newest 6-digit code texted to a number (development outbox).</summary>
    public async Task<string> LatestCodeAsync(string msisdn)
    {
        var messages = await Api.GetFromJsonAsync<JsonElement>($"/api/v1/dev/messages?to={Uri.EscapeDataString(msisdn)}", Ct);
        foreach (var message in messages.EnumerateArray())
        {
            var match = SixDigits().Match(message.GetProperty("body").GetString()!);
            if (match.Success)
                return match.Value;
        }
        throw new InvalidOperationException($"No code was sent to {msisdn}.");
    }

    public async ValueTask DisposeAsync()
    {
        if (_browser is not null)
            await _browser.DisposeAsync();
        _playwright?.Dispose();
        _api?.Dispose();
        if (_host is not null)
            await _host.DisposeAsync();
        _database?.Dispose();
    }

    [GeneratedRegex(@"\b\d{6}\b")]
    private static partial Regex SixDigits();
}
