using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using LastCall.Data;
using LastCall.Domain.Identity;
using LastCall.Hosting;
using LastCall.Security;
using LastCall.Tests.Imports;
using LastCall.Tests.Infrastructure;
using Microsoft.Playwright;

namespace LastCall.BrowserTests.Infrastructure;

/// <summary>A customer's line as the portal host imported it.</summary>
public sealed record PortalLine(string Msisdn, string Password, string Name)
{
    /// <summary>The number as a customer types it (11 digits, no +86).</summary>
    public string Typed => Msisdn[3..];
}

[CollectionDefinition(Name)]
public sealed class PortalCollection : ICollectionFixture<PortalHost>
{
    public const string Name = "Portal in Chromium";
}

/// <summary>
/// One host for the browser tests: the real LastCall on Kestrel on a free loopback port with a fresh
/// SQLite file and known customers, its embedded simulators (billing, network, SM-DP+) and execution
/// workers polling fast (so a store cancellation completes in seconds and bills come from the billing
/// simulator), times in Asia/Tokyo (not the default zone, so pages show they follow Policies:TimeZone),
/// and one headless Chromium (Debian's, never a downloaded one).
/// Each test opens its own browser context (own cookies) and uses its own customers' lines.
/// </summary>
public sealed partial class PortalHost : IAsyncLifetime
{
    /// <summary>The smallest PNG the document store recognises (an ID photo for uploads).</summary>
    public static readonly byte[] SamplePng = Convert.FromBase64String("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==");

    public const string ChromiumPath = "/usr/bin/chromium";

    /// <summary>A name long enough to find layouts that break on long Chinese names.</summary>
    public const string LongName = "欧阳娜依古丽·阿卜杜热合曼·买买提艾力";

    private TestDatabase? _database;
    private TestHost? _host;
    private IPlaywright? _playwright;
    private IBrowser? _browser;
    private HttpClient? _api;

    /// <summary>Customer with the long name: two lines (the first with a watch as companion device).</summary>
    public PortalLine Zhang1 { get; private set; } = null!;

    public PortalLine Zhang2 { get; private set; } = null!;

    /// <summary>Another customer, one line.</summary>
    public PortalLine Li { get; private set; } = null!;

    /// <summary>A customer whose line owes money (a blocker).</summary>
    public PortalLine Wang { get; private set; } = null!;

    /// <summary>A customer for the suspension test.</summary>
    public PortalLine Zhao { get; private set; } = null!;

    /// <summary>A customer for the sign-in failure test (failures count towards a lock-out).</summary>
    public PortalLine Chen { get; private set; } = null!;

    /// <summary>A customer whose line a clerk cancels at the store (the unbinding checklist test).</summary>
    public PortalLine Sun { get; private set; } = null!;

    /// <summary>Sun's second line, which stays active (Sun signs in with it after the first is cancelled).</summary>
    public PortalLine Sun2 { get; private set; } = null!;

    /// <summary>Sun's resident ID number, which the clerk checks.</summary>
    public string SunIdNumber { get; private set; } = null!;

    /// <summary>A customer under contract for about a year more (the early-exit fee).</summary>
    public PortalLine Zhou { get; private set; } = null!;

    /// <summary>The operator's time zone the host is configured with.</summary>
    public const string TimeZoneId = "Asia/Tokyo";

    public const string StaffPassword = "correct-horse-battery";

    public Uri BaseUrl { get; private set; } = null!;

    public HttpClient Api => _api!;

    public TestDatabase Database => _database!;

    public static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        if (!File.Exists(ChromiumPath))
            throw new InvalidOperationException($"{ChromiumPath} is missing: install Debian's chromium (scripts/test does).");
        _database = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite, null!);
        var n = TestData.Next();
        for (var i = 0; i < 12; i++)
            TestData.Next();
        var idZhang = TestData.ResidentId(n);
        Zhang1 = new PortalLine(TestData.Msisdn(n), "135790", LongName);
        Zhang2 = new PortalLine(TestData.Msisdn(n + 1), "246813", LongName);
        Li = new PortalLine(TestData.Msisdn(n + 2), "975318", "李娜");
        Wang = new PortalLine(TestData.Msisdn(n + 3), "864209", "王芳");
        Zhao = new PortalLine(TestData.Msisdn(n + 4), "112358", "赵磊");
        Chen = new PortalLine(TestData.Msisdn(n + 5), "314159", "陈静");
        Sun = new PortalLine(TestData.Msisdn(n + 6), "271828", "孙丽");
        SunIdNumber = TestData.ResidentId(n + 6);
        Sun2 = new PortalLine(TestData.Msisdn(n + 8), "141421", "孙丽");
        Zhou = new PortalLine(TestData.Msisdn(n + 7), "161803", "周杰");
        // Under contract until about a year from now (the CSV has no helper argument for contract_ends_on, column 8).
        var zhouRow = TestData.Row(n + 7, msisdn: Zhou.Msisdn, password: Zhou.Password, name: Zhou.Name).Split(',');
        zhouRow[7] = DateTime.UtcNow.AddYears(1).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        var watch = $"{TestData.Iccid(n + 10)}:{TestData.Eid(n + 10)}:companion:Apple Watch Series 10";
        var summary = await _database.ImportAsync(TestData.Csv(TestData.Header,
            TestData.Row(n, msisdn: Zhang1.Msisdn, idNumber: idZhang, password: Zhang1.Password, name: LongName, balance: "23.50",
                profiles: $"{TestData.Iccid(n)}:{TestData.Eid(n)}:primary:iPhone 16 Pro Max|{watch}"),
            TestData.Row(n + 1, msisdn: Zhang2.Msisdn, idNumber: idZhang, password: Zhang2.Password, name: LongName),
            TestData.Row(n + 2, msisdn: Li.Msisdn, password: Li.Password, name: Li.Name),
            TestData.Row(n + 3, msisdn: Wang.Msisdn, password: Wang.Password, name: Wang.Name, arrears: "86.40"),
            TestData.Row(n + 4, msisdn: Zhao.Msisdn, password: Zhao.Password, name: Zhao.Name),
            TestData.Row(n + 5, msisdn: Chen.Msisdn, password: Chen.Password, name: Chen.Name),
            TestData.Row(n + 6, msisdn: Sun.Msisdn, idNumber: SunIdNumber, password: Sun.Password, name: Sun.Name, balance: "12.00"),
            string.Join(',', zhouRow),
            TestData.Row(n + 8, msisdn: Sun2.Msisdn, idNumber: SunIdNumber, password: Sun2.Password, name: Sun2.Name)));
        if (summary.Imported != 9)
            throw new InvalidOperationException("Portal host import failed: " + string.Join("; ", summary.Rejected));

        await using (var db = _database.CreateContext())
        {
            var hash = SecretHasher.Hash(StaffPassword);
            db.StaffMembers.Add(StaffMember.Create("clerk", [StaffRoles.Clerk], "BJ-001", hash, DateTimeOffset.UtcNow).Value);
            db.StaffMembers.Add(StaffMember.Create("admin", [StaffRoles.Admin], null, hash, DateTimeOffset.UtcNow).Value);
            await db.SaveChangesAsync(Ct);
        }

        var settings = _database.HostSettings();
        settings["Security:Otp:MinIntervalSeconds"] = "0";
        settings["Security:Otp:MaxPerHour"] = "1000";
        settings["Policies:TimeZone"] = TimeZoneId;
        // The embedded billing, network and SM-DP+ simulators, and execution polling fast (as ExecutionHarness does).
        settings["Simulators:Embedded"] = "true";
        settings["Execution:Enabled"] = "true";
        settings["Execution:PollMilliseconds"] = "100";
        settings["Execution:FirstRetryDelayMilliseconds"] = "200";
        settings["Execution:LongestRetryDelaySeconds"] = "1";
        // A billing system that is down answers the bills page at once (no retries with back-off).
        settings["BillingSystem:MaxRetryAttempts"] = "1";
        settings["BillingSystem:RetryBaseDelaySeconds"] = "0.05";
        _host = TestHost.Start(settings);
        _api = _host.CreateClient();
        BaseUrl = _api.BaseAddress!;

        _playwright = await Playwright.CreateAsync();
        _browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions { ExecutablePath = ChromiumPath, Headless = true });
    }

    /// <summary>A fresh browser context (no cookies) at the given window width, on the host.</summary>
    public async Task<BrowserSession> OpenAsync(int width = 1280, int height = 900)
    {
        var context = await _browser!.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = BaseUrl.ToString(),
            ViewportSize = new ViewportSize { Width = width, Height = height },
        });
        var page = await context.NewPageAsync();
        return new BrowserSession(context, page);
    }

    /// <summary>The embedded billing and network simulators' admin API (<c>/simulator/…</c>).</summary>
    public HttpClient Backends()
    {
        var simulators = (EmbeddedSimulators)_host!.Services.GetService(typeof(EmbeddedSimulators))!;
        return new HttpClient { BaseAddress = new Uri(simulators.BackendsBaseUrl!) };
    }

    /// <summary>A client with a bearer token (an access token or a partner API key).</summary>
    public HttpClient Client(string bearer)
    {
        var client = _host!.CreateClient();
        client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", bearer);
        return client;
    }

    /// <summary>A staff member's API client (password <see cref="StaffPassword"/>).</summary>
    public async Task<HttpClient> StaffAsync(string username)
    {
        using var response = await Api.PostAsJsonAsync("/api/v1/staff/auth/login", new { username, password = StaffPassword }, Ct);
        response.EnsureSuccessStatusCode();
        return Client((await response.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("accessToken").GetString()!);
    }

    /// <summary>The customer's API client, signed in through the API (code by SMS, then login).</summary>
    public async Task<HttpClient> CustomerAsync(PortalLine line)
    {
        (await Api.PostAsJsonAsync("/api/v1/auth/otp", new { msisdn = line.Msisdn }, Ct)).EnsureSuccessStatusCode();
        var code = await LatestCodeAsync(line.Msisdn);
        using var response = await Api.PostAsJsonAsync("/api/v1/auth/login", new { msisdn = line.Msisdn, servicePassword = line.Password, otp = code }, Ct);
        response.EnsureSuccessStatusCode();
        return Client((await response.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("accessToken").GetString()!);
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

    /// <summary>Signs in through the portal's form: code by SMS (read from the outbox), then number, password and code.</summary>
    public async Task SignInAsync(IPage page, PortalLine line)
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

/// <summary>One browser context and page; remembers console errors so tests can assert no CSP violation.</summary>
public sealed class BrowserSession : IAsyncDisposable
{
    private readonly List<string> _consoleErrors = [];

    public BrowserSession(IBrowserContext context, IPage page)
    {
        Context = context;
        Page = page;
        page.Console += (_, message) =>
        {
            if (message.Type == "error")
            {
                lock (_consoleErrors)
                    _consoleErrors.Add(message.Text);
            }
        };
        page.PageError += (_, error) =>
        {
            lock (_consoleErrors)
                _consoleErrors.Add(error);
        };
    }

    public IBrowserContext Context { get; }

    public IPage Page { get; }

    /// <summary>Console errors that report a Content-Security-Policy violation.</summary>
    public IReadOnlyList<string> CspViolations
    {
        get
        {
            lock (_consoleErrors)
                return [.. _consoleErrors.Where(e => e.Contains("Content Security Policy", StringComparison.OrdinalIgnoreCase) || e.Contains("Refused to", StringComparison.Ordinal))];
        }
    }

    public async ValueTask DisposeAsync() => await Context.DisposeAsync();
}
