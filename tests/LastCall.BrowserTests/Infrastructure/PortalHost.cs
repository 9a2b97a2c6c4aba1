using LastCall.Domain.Identity;
using LastCall.Hosting;
using LastCall.TestSupport;
using Microsoft.Playwright;

namespace LastCall.BrowserTests.Infrastructure;

/// <summary>A customer's line as the portal host imported it.</summary>
public sealed record PortalLine(string Msisdn, string Password, string Name) : ICustomerLine
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
/// One host for the portal's browser tests (<see cref="BrowserHost"/>): known customers, a clerk and an
/// admin, bills from the billing simulator, and times in Asia/Tokyo (not the default zone, so pages show
/// they follow Policies:TimeZone). Each test opens its own browser context (own cookies) and uses its
/// own customers' lines.
/// </summary>
public sealed class PortalHost : BrowserHost
{
    /// <summary>The smallest PNG the document store recognises (an ID photo for uploads).</summary>
    public static readonly byte[] SamplePng = Convert.FromBase64String("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==");

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

    /// <summary>A customer whose browser asks for English (and who never chooses a language).</summary>
    public PortalLine Emily { get; private set; } = null!;

    /// <summary>The operator's time zone the host is configured with.</summary>
    public const string TimeZoneId = "Asia/Tokyo";

    protected override async Task SeedAsync(TestDatabase database)
    {
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
        Emily = new PortalLine(TestData.Msisdn(n + 9), "173205", "Emily Carter");
        // Under contract until about a year from now (the CSV has no helper argument for contract_ends_on, column 8).
        var zhouRow = TestData.Row(n + 7, msisdn: Zhou.Msisdn, password: TestData.HashOf(Zhou.Password), name: Zhou.Name).Split(',');
        zhouRow[7] = DateTime.UtcNow.AddYears(1).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        var watch = $"{TestData.Iccid(n + 10)}:{TestData.Eid(n + 10)}:companion:Apple Watch Series 10";
        var summary = await database.ImportAsync(TestData.Csv(TestData.Header,
            TestData.Row(n, msisdn: Zhang1.Msisdn, idNumber: idZhang, password: TestData.HashOf(Zhang1.Password), name: LongName, balance: "23.50",
                profiles: $"{TestData.Iccid(n)}:{TestData.Eid(n)}:primary:iPhone 16 Pro Max|{watch}"),
            TestData.Row(n + 1, msisdn: Zhang2.Msisdn, idNumber: idZhang, password: TestData.HashOf(Zhang2.Password), name: LongName),
            TestData.Row(n + 2, msisdn: Li.Msisdn, password: TestData.HashOf(Li.Password), name: Li.Name),
            TestData.Row(n + 3, msisdn: Wang.Msisdn, password: TestData.HashOf(Wang.Password), name: Wang.Name, arrears: "86.40"),
            TestData.Row(n + 4, msisdn: Zhao.Msisdn, password: TestData.HashOf(Zhao.Password), name: Zhao.Name),
            TestData.Row(n + 5, msisdn: Chen.Msisdn, password: TestData.HashOf(Chen.Password), name: Chen.Name),
            TestData.Row(n + 6, msisdn: Sun.Msisdn, idNumber: SunIdNumber, password: TestData.HashOf(Sun.Password), name: Sun.Name, balance: "12.00"),
            string.Join(',', zhouRow),
            TestData.Row(n + 8, msisdn: Sun2.Msisdn, idNumber: SunIdNumber, password: TestData.HashOf(Sun2.Password), name: Sun2.Name),
            TestData.Row(n + 9, msisdn: Emily.Msisdn, password: TestData.HashOf(Emily.Password), name: Emily.Name)));
        if (summary.Imported != 10)
            throw new InvalidOperationException("Portal host import failed: " + string.Join("; ", summary.Rejected));
        await database.UseSignInHashesAsync([.. new[] { Zhang1, Zhang2, Li, Wang, Zhao, Chen, Sun, Zhou, Sun2, Emily }.Select(l => (l.Msisdn, l.Password))]);

        await AddStaffAsync(database, ("clerk", StaffRoles.Clerk, "BJ-001"), ("admin", StaffRoles.Admin, null));
    }

    protected override void Configure(Dictionary<string, string?> settings)
    {
        settings["Policies:TimeZone"] = TimeZoneId;
        // A billing system that is down answers the bills page at once (no retries with back-off).
        settings["BillingSystem:MaxRetryAttempts"] = "1";
        settings["BillingSystem:RetryBaseDelaySeconds"] = "0.05";
    }

    /// <summary>The embedded billing and network simulators' admin API (<c>/simulator/…</c>).</summary>
    public HttpClient Backends()
    {
        var simulators = (EmbeddedSimulators)Host.Services.GetService(typeof(EmbeddedSimulators))!;
        return new HttpClient { BaseAddress = new Uri(simulators.BackendsBaseUrl!) };
    }
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
