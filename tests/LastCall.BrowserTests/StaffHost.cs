using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using LastCall.BrowserTests.Infrastructure;
using LastCall.Domain.Identity;
using LastCall.TestSupport;
using Microsoft.Playwright;

namespace LastCall.BrowserTests;

/// <summary>A customer's line as the staff host imported it (the ID number is what a clerk reads off the card).</summary>
public sealed record StaffLine(string Msisdn, string Password, string IdNumber, string Name) : ICustomerLine
{
    public string Typed => Msisdn[3..];
}

[CollectionDefinition(Name)]
public sealed class StaffCollection : ICollectionFixture<StaffHost>
{
    public const string Name = "Staff console in Chromium";
}

/// <summary>
/// One host for the staff console's browser tests (<see cref="BrowserHost"/>): one staff member per role
/// (clerk at BJ-001, a second clerk at SH-002), and two online applications with uploaded ID documents
/// waiting for review.
/// </summary>
public sealed class StaffHost : BrowserHost
{    public const string Store = "BJ-001";
    public const string OtherStore = "SH-002";


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

    /// <summary>Its termination is ordered by the operator's CRM (TM Forum order, channel bss).</summary>
    public StaffLine Crm { get; private set; } = null!;

    /// <summary>A line its owner takes to another operator (port-out).</summary>
    public StaffLine Porting { get; private set; } = null!;

    /// <summary>The ID number of the person the <see cref="Transfer"/> line goes to (no record yet).</summary>
    public string NewOwnerIdNumber { get; private set; } = null!;

    public IReadOnlyDictionary<string, Guid> Applications { get; private set; } = new Dictionary<string, Guid>();

    protected override async Task SeedAsync(TestDatabase database)
    {
        var n = TestData.Next();
        for (var i = 0; i < 10; i++)
            TestData.Next();
        StaffLine Make(int k, string password, string name) => new(TestData.Msisdn(n + k), password, TestData.ResidentId(n + k), name);
        Counter = Make(0, "135790", LongName);
        OtherStoreLine = Make(1, "246813", "孙丽");
        Caller = Make(2, "975318", "周杰");
        Owing = Make(3, "864209", "吴敏");
        ToApprove = Make(4, "112358", "郑强");
        ToReject = Make(5, "314159", "冯雪");
        Failing = Make(6, "271828", "陈刚");
        Transfer = Make(7, "161803", "褚红");
        Crm = Make(9, "192837", "钱伟");
        Porting = Make(10, "283746", "何静");
        NewOwnerIdNumber = TestData.ResidentId(n + 8);
        var lines = new[] { Counter, OtherStoreLine, Caller, Owing, ToApprove, ToReject, Failing, Transfer, Crm, Porting };
        var rows = lines.Select((l, k) => TestData.Row(n + k, msisdn: l.Msisdn, idNumber: l.IdNumber, password: TestData.HashOf(l.Password), name: l.Name, arrears: l == Owing ? "86.40" : "0.00"))
            .ToArray();
        var summary = await database.ImportAsync(TestData.Csv([TestData.Header, .. rows]));
        if (summary.Imported != rows.Length)
            throw new InvalidOperationException("Staff host import failed: " + string.Join("; ", summary.Rejected));
        await database.UseSignInHashesAsync([.. lines.Select(l => (l.Msisdn, l.Password))]);

        await AddStaffAsync(database,
            ("admin", StaffRoles.Admin, null), ("supervisor", StaffRoles.Supervisor, null), ("reviewer", StaffRoles.Reviewer, null),
            ("clerk", StaffRoles.Clerk, Store), ("clerk2", StaffRoles.Clerk, OtherStore), ("agent", StaffRoles.Agent, null));
    }

    protected override void Configure(Dictionary<string, string?> settings)
    {
        settings["Smdp:TimeoutSeconds"] = "2";
        settings["Smdp:MaxRetryAttempts"] = "1";
    }

    /// <summary>Two online applications with an uploaded ID document, waiting for review.</summary>
    protected override async Task AfterStartAsync()
    {
        var applications = new Dictionary<string, Guid>();
        foreach (var line in new[] { ToApprove, ToReject })
            applications[line.Msisdn] = await ApplyOnlineAsync(line);
        Applications = applications;
    }

    /// <summary>The owner applies through the API: sign in, upload the ID photo, submit.</summary>
    private async Task<Guid> ApplyOnlineAsync(StaffLine line)
    {
        using var client = await CustomerAsync(line);
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

    /// <summary>Signs a staff member in through the console's form (in English: the language switch first).</summary>
    public static async Task SignInAsync(IPage page, string username, bool english = false)
    {
        await page.GotoAsync("/staff/signin");
        if (english)
        {
            await page.GetByTestId("switch-language").ClickAsync();
            // The switch posts and comes back to a new sign-in page: fill that one, not the one it replaces.
            await Assertions.Expect(page.Locator("html")).ToHaveAttributeAsync("lang", "en");
        }
        await page.Locator("#username").FillAsync(username);
        await page.Locator("#password").FillAsync(StaffPassword);
        await page.GetByTestId("staff-sign-in").ClickAsync();
        await ExpectSignedInAsync(page);
    }
}
