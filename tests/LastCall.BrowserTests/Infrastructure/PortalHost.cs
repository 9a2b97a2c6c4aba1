using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using LastCall.Data;
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
/// SQLite file and known customers, and one headless Chromium (Debian's, never a downloaded one).
/// Each test opens its own browser context (own cookies) and uses its own customers' lines.
/// </summary>
public sealed partial class PortalHost : IAsyncLifetime
{
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
        for (var i = 0; i < 8; i++)
            TestData.Next();
        var idZhang = TestData.ResidentId(n);
        Zhang1 = new PortalLine(TestData.Msisdn(n), "135790", LongName);
        Zhang2 = new PortalLine(TestData.Msisdn(n + 1), "246813", LongName);
        Li = new PortalLine(TestData.Msisdn(n + 2), "975318", "李娜");
        Wang = new PortalLine(TestData.Msisdn(n + 3), "864209", "王芳");
        Zhao = new PortalLine(TestData.Msisdn(n + 4), "112358", "赵磊");
        Chen = new PortalLine(TestData.Msisdn(n + 5), "314159", "陈静");
        var watch = $"{TestData.Iccid(n + 10)}:{TestData.Eid(n + 10)}:companion:Apple Watch Series 10";
        var summary = await _database.ImportAsync(TestData.Csv(TestData.Header,
            TestData.Row(n, msisdn: Zhang1.Msisdn, idNumber: idZhang, password: Zhang1.Password, name: LongName, balance: "23.50",
                profiles: $"{TestData.Iccid(n)}:{TestData.Eid(n)}:primary:iPhone 16 Pro Max|{watch}"),
            TestData.Row(n + 1, msisdn: Zhang2.Msisdn, idNumber: idZhang, password: Zhang2.Password, name: LongName),
            TestData.Row(n + 2, msisdn: Li.Msisdn, password: Li.Password, name: Li.Name),
            TestData.Row(n + 3, msisdn: Wang.Msisdn, password: Wang.Password, name: Wang.Name, arrears: "86.40"),
            TestData.Row(n + 4, msisdn: Zhao.Msisdn, password: Zhao.Password, name: Zhao.Name),
            TestData.Row(n + 5, msisdn: Chen.Msisdn, password: Chen.Password, name: Chen.Name)));
        if (summary.Imported != 6)
            throw new InvalidOperationException("Portal host import failed: " + string.Join("; ", summary.Rejected));

        var settings = _database.HostSettings();
        settings["Security:Otp:MinIntervalSeconds"] = "0";
        settings["Security:Otp:MaxPerHour"] = "1000";
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
