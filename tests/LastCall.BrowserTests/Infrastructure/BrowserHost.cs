using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using LastCall.Data;
using LastCall.Domain.Identity;
using LastCall.Security;
using LastCall.TestSupport;
using Microsoft.Playwright;

namespace LastCall.BrowserTests.Infrastructure;

/// <summary>A customer's line as a browser host imported it.</summary>
public interface ICustomerLine
{
    string Msisdn { get; }

    string Password { get; }

    /// <summary>The number as a customer types it (11 digits, no +86).</summary>
    string Typed { get; }
}

/// <summary>
/// What the portal's and the staff console's browser hosts share: the real LastCall on Kestrel on a free
/// loopback port with a fresh SQLite file, the embedded simulators and the execution workers polling fast
/// (so a cancellation completes in seconds), one headless Chromium (Debian's, never a downloaded one), and
/// the helpers to sign people in through the API or the forms. A host seeds its own customers and staff.
/// <para>
/// Tests wait for what the page shows (an element, or the address through <c>Expect(page).ToHaveURLAsync</c>, which
/// the driver checks), never with <c>WaitForURLAsync</c>, <c>WaitForNavigationAsync</c> or <c>WaitForLoadStateAsync</c>:
/// after a click that has already waited for its navigation, the address matches at once and the .NET client then
/// waits for a <c>load</c> event it can miss when the event arrives while it subscribes (microsoft/playwright-dotnet
/// issue 3364); the wait hangs to its timeout with only "NetworkIdle event fired" in its log. The window is tiny
/// on an idle machine and wide on a loaded one.
/// </para>
/// </summary>
public abstract partial class BrowserHost : IAsyncLifetime
{
    public const string ChromiumPath = "/usr/bin/chromium";

    public const string StaffPassword = "correct-horse-battery";

    /// <summary>A name long enough to find layouts that break on long Chinese names.</summary>
    public const string LongName = "欧阳娜依古丽·阿卜杜热合曼·买买提艾力";

    /// <summary>
    /// The longest any one browser step may take (an action with the navigation it starts, a navigation, an
    /// expectation, Chromium's start) and any wait for the background workers. Playwright's defaults (30 s per action
    /// and navigation, 5 s per expectation) assume a machine with time to spare; on two cores shared with the rest of
    /// the suite a staff sign-in (600,000 PBKDF2 iterations, an audited save, then the console's first render) or a
    /// cancellation's execution takes many times as long as alone (a staff sign-in click measured up to 6 s with three
    /// busy loops beside the tests). Every wait ends as soon as its condition holds, so this figure only decides how
    /// long a real failure takes to be reported.
    /// </summary>
    public static readonly TimeSpan StepTimeout = TimeSpan.FromSeconds(120);

    /// <summary>How often a wait for the background workers asks again.</summary>
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(100);

    private TestDatabase? _database;
    private TestHost? _host;
    private IPlaywright? _playwright;
    private IBrowser? _browser;
    private HttpClient? _api;

    public Uri BaseUrl { get; private set; } = null!;

    public HttpClient Api => _api!;

    public TestDatabase Database => _database!;

    public TestHost Host => _host!;

    public static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        if (!File.Exists(ChromiumPath))
            throw new InvalidOperationException($"{ChromiumPath} is missing: install Debian's chromium (scripts/test does).");
        Assertions.SetDefaultExpectTimeout((float)StepTimeout.TotalMilliseconds);
        _database = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite, null!);
        await SeedAsync(_database);

        var settings = _database.HostSettings();
        settings["Security:Otp:MinIntervalSeconds"] = "0";
        settings["Security:Otp:MaxPerHour"] = "1000";
        settings["Simulators:Embedded"] = "true";
        settings["Execution:Enabled"] = "true";
        settings["Execution:PollMilliseconds"] = "100";
        settings["Execution:FirstRetryDelayMilliseconds"] = "200";
        settings["Execution:LongestRetryDelaySeconds"] = "1";
        Configure(settings);
        _host = TestHost.Start(settings);
        _api = _host.CreateClient();
        BaseUrl = _api.BaseAddress!;
        await AfterStartAsync();

        _playwright = await Playwright.CreateAsync();
        _browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions { ExecutablePath = ChromiumPath, Headless = true, Timeout = (float)StepTimeout.TotalMilliseconds });
    }

    /// <summary>Imports the host's customers and adds its staff, before the host starts.</summary>
    protected abstract Task SeedAsync(TestDatabase database);

    /// <summary>The host's own settings on top of the shared ones.</summary>
    protected virtual void Configure(Dictionary<string, string?> settings)
    {
    }

    /// <summary>Work through the running host's API before the browser starts.</summary>
    protected virtual Task AfterStartAsync() => Task.CompletedTask;

    /// <summary>Adds staff members, all with <see cref="StaffPassword"/>.</summary>
    protected static async Task AddStaffAsync(TestDatabase database, params (string Username, string Role, string? Store)[] staff)
    {
        await using var db = database.CreateContext();
        var hash = TestData.SignInHashOf(StaffPassword);
        foreach (var (username, role, store) in staff)
            db.StaffMembers.Add(StaffMember.Create(username, [role], store, hash, DateTimeOffset.UtcNow).Value);
        await db.SaveChangesAsync(Ct);
    }

    /// <summary>A fresh browser context (no cookies) at the given window width, on the host; a Chinese browser unless <paramref name="locale"/> says otherwise.</summary>
    public async Task<BrowserSession> OpenAsync(int width = 1280, int height = 900, string locale = "zh-CN")
    {
        var context = await _browser!.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = BaseUrl.ToString(),
            ViewportSize = new ViewportSize { Width = width, Height = height },
            AcceptDownloads = true,
            // The browser's language (its Accept-Language), which the portal follows when no language was chosen.
            Locale = locale,
        });
        context.SetDefaultTimeout((float)StepTimeout.TotalMilliseconds);
        return new BrowserSession(context, await context.NewPageAsync());
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
    public async Task<HttpClient> CustomerAsync(ICustomerLine line)
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

    /// <summary>Signs a customer in through the portal's form: code by SMS (read from the outbox), then number, password and code.</summary>
    public async Task CustomerSignInAsync(IPage page, ICustomerLine line)
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
        await ExpectSignedInAsync(page);
    }

    /// <summary>
    /// Waits until a sign-in form's post has landed on a page for a signed-in person (the layout's sign-out button),
    /// or fails at once with the problem the form showed instead.
    /// </summary>
    public static async Task ExpectSignedInAsync(IPage page)
    {
        var signedIn = page.GetByTestId("sign-out");
        var problem = page.Locator("[role='alert'][data-code]");
        await signedIn.Or(problem).First.WaitForAsync();
        if (await signedIn.CountAsync() == 0)
            Assert.Fail($"Sign-in refused at {page.Url}: {await problem.First.GetAttributeAsync("data-code")}, {await problem.First.InnerTextAsync()}");
    }

    /// <summary>
    /// Asks <paramref name="probe"/> again until <paramref name="done"/> accepts its answer (the workers run in the
    /// background and nothing tells a test when they are done), for up to <see cref="StepTimeout"/>; then fails with
    /// the last answer.
    /// </summary>
    public static async Task<T> EventuallyAsync<T>(string what, Func<Task<T>> probe, Func<T, bool> done)
    {
        var waited = Stopwatch.StartNew();
        while (true)
        {
            var answer = await probe();
            if (done(answer))
                return answer;
            if (waited.Elapsed > StepTimeout)
                throw new TimeoutException($"{what} did not happen within {StepTimeout.TotalSeconds:0} s; the last answer was {answer}.");
            await Task.Delay(PollInterval, Ct);
        }
    }

    /// <summary>Asks the API until the cancellation has <paramref name="status"/>, and returns it.</summary>
    public static Task<JsonElement> WaitForCancellationAsync(HttpClient staff, Guid id, string status) =>
        EventuallyAsync($"Cancellation {id} reaching {status}",
            () => staff.GetFromJsonAsync<JsonElement>($"/api/v1/cancellations/{id}", Ct),
            request => request.GetProperty("status").GetString() == status);

    public async ValueTask DisposeAsync()
    {
        if (_browser is not null)
            await _browser.DisposeAsync();
        _playwright?.Dispose();
        _api?.Dispose();
        if (_host is not null)
            await _host.DisposeAsync();
        _database?.Dispose();
        GC.SuppressFinalize(this);
    }

    [GeneratedRegex(@"\b\d{6}\b")]
    private static partial Regex SixDigits();
}
