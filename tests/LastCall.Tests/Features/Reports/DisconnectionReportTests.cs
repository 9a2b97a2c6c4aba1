using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using DocumentFormat.OpenXml.Packaging;
using LastCall.Data;
using LastCall.Domain.Common;
using LastCall.Domain.Numbers;
using LastCall.TestSupport;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Row = DocumentFormat.OpenXml.Spreadsheet.Row;
using Cell = DocumentFormat.OpenXml.Spreadsheet.Cell;
using Sheet = DocumentFormat.OpenXml.Spreadsheet.Sheet;

namespace LastCall.Tests.Features.Reports;

/// <summary>
/// Regulator reports of permanent disconnections through the public API, on both providers: only completed
/// cancellations are filed (imported legacy entries only when imported with --report), each entry exactly once per profile (a late one goes
/// into the next report), a month is filed once per profile, a month with nothing new is still filed, fcc-rnd takes
/// only +1 numbers and splits with a batch_id, the files download with the bytes and SHA-256 as filed, and only
/// supervisors and admins may file or read them.
/// </summary>
public sealed class DisconnectionReportTests(PostgresCluster postgres)
{
    private const string Reports = "/api/v1/admin/reports/disconnections";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task EachPermanentDisconnection_IsFiledOncePerProfile_LateOnesGoIntoTheNextReport(DatabaseProvider provider)
    {
        await using var harness = await ExecutionHarness.StartAsync(postgres, provider, s =>
        {
            s["Reports:CompanyId"] = "LC-TEST-01";
            s["Reports:MaxRowsPerFile"] = "2";
        });
        var scenario = harness.Scenario;
        var n = TestData.Next();
        var october = TestData.Msisdn(n);
        var importedOctober = TestData.Msisdn(n + 1);
        string[] american = ["+12025550101", "+12025550102", "+12025550103"];
        // Setup of the register as earlier cancellations and a legacy load would have left it.
        await AddEntriesAsync(scenario,
            (october, new DateOnly(2026, 10, 15), DisconnectionSource.Cancellation),
            (importedOctober, new DateOnly(2026, 10, 20), DisconnectionSource.Import),
            (american[0], new DateOnly(2026, 10, 5), DisconnectionSource.Cancellation),
            (american[1], new DateOnly(2026, 10, 6), DisconnectionSource.Cancellation),
            (american[2], new DateOnly(2026, 10, 7), DisconnectionSource.Cancellation));

        var supervisor = await scenario.StaffAsync("supervisor");
        var admin = await scenario.StaffAsync("admin");

        // October, generic: the four cancelled numbers, never the imported one; oldest first.
        var first = await FileAsync(supervisor, "2026-10", "generic", "csv");
        Assert.Equal(HttpStatusCode.Created, first.Status);
        Assert.Equal(4, first.Body.GetProperty("rowCount").GetInt64());
        var csv = await DownloadTextAsync(admin, first.Body, 0);
        Assert.Equal(
            ["msisdn,disconnected_on,cancellation_id", $"{american[0]},2026-10-05,", $"{american[1]},2026-10-06,"],
            csv.TrimEnd('\n').Split('\n'));
        var second = await DownloadTextAsync(admin, first.Body, 1);
        Assert.Equal(["msisdn,disconnected_on,cancellation_id", $"{american[2]},2026-10-07,", $"{october},2026-10-15,"], second.TrimEnd('\n').Split('\n'));
        Assert.Equal(2, first.Body.GetProperty("files").GetArrayLength());
        Assert.DoesNotContain(importedOctober, csv + second, StringComparison.Ordinal);

        // The same month and profile again: refused, whatever the format.
        var again = await FileAsync(admin, "2026-10", "generic", "xlsx");
        Assert.Equal(HttpStatusCode.Conflict, again.Status);
        Assert.Equal("already_filed", again.Body.GetProperty("code").GetString());

        // A cancellation of October that completes only now goes into the next report filed, November's.
        var late = TestData.Msisdn(n + 2);
        await AddEntriesAsync(scenario, (late, new DateOnly(2026, 10, 28), DisconnectionSource.Cancellation));
        var november = await FileAsync(supervisor, "2026-11", "generic", "csv");
        Assert.Equal(1, november.Body.GetProperty("rowCount").GetInt64());
        Assert.Contains($"{late},2026-10-28,", await DownloadTextAsync(admin, november.Body, 0), StringComparison.Ordinal);

        // A real cancellation completed today is in this month's report, with its request's id.
        var id = await harness.CancelAtStoreAsync(scenario.CustomerA);
        await harness.WaitForStatusAsync(id, "completed");
        var today = await TodayAsync(scenario, scenario.CustomerA.Msisdn);
        var thisMonth = await FileAsync(supervisor, today.ToString("yyyy-MM", System.Globalization.CultureInfo.InvariantCulture), "generic", "csv");
        Assert.Equal(HttpStatusCode.Created, thisMonth.Status);
        Assert.Equal(1, thisMonth.Body.GetProperty("rowCount").GetInt64());
        Assert.Contains($"{scenario.CustomerA.Msisdn},{today:yyyy-MM-dd},{id}", await DownloadTextAsync(admin, thisMonth.Body, 0), StringComparison.OrdinalIgnoreCase);

        // fcc-rnd, XLSX: only the +1 numbers, 10-digit tn, the company id, split in two files with a batch id.
        var fcc = await FileAsync(admin, "2026-10", "fcc-rnd", "xlsx");
        Assert.Equal(HttpStatusCode.Created, fcc.Status);
        Assert.Equal(3, fcc.Body.GetProperty("rowCount").GetInt64());
        var sheet = await DownloadSheetAsync(admin, fcc.Body, 0);
        Assert.Equal(["company_id", "tn", "disconnect_date", "batch_id"], sheet[0]);
        Assert.Equal(["LC-TEST-01", "2025550101", "2026-10-05", "1"], sheet[1]);
        Assert.Equal(3, sheet.Count);
        Assert.Equal(["LC-TEST-01", "2025550103", "2026-10-07", "2"], (await DownloadSheetAsync(admin, fcc.Body, 1))[1]);

        // November for fcc-rnd: nothing new, still filed ("nothing to report"), a file with its header only.
        var nothing = await FileAsync(admin, "2026-11", "fcc-rnd", "csv");
        Assert.Equal(HttpStatusCode.Created, nothing.Status);
        Assert.Equal(0, nothing.Body.GetProperty("rowCount").GetInt64());
        Assert.Equal("company_id,tn,disconnect_date\n", await DownloadTextAsync(admin, nothing.Body, 0));

        // The list, newest first; every entry of the register filed once per profile.
        var list = await admin.GetFromJsonAsync<JsonElement>(Reports, Ct);
        Assert.Equal([nothing.Id, fcc.Id, thisMonth.Id, november.Id, first.Id], list.EnumerateArray().Select(r => r.GetProperty("id").GetGuid()));
        Assert.Equal(6, list.EnumerateArray().Where(r => r.GetProperty("profile").GetString() == "generic").Sum(r => r.GetProperty("rowCount").GetInt64()));
        Assert.Equal(3, list.EnumerateArray().Where(r => r.GetProperty("profile").GetString() == "fcc-rnd").Sum(r => r.GetProperty("rowCount").GetInt64()));
        await using (var db = scenario.Database.CreateContext())
        {
            // A claim is a range (decision 0017): one row per report, none per entry.
            Assert.All(await db.DisconnectionReports.AsNoTracking().ToListAsync(Ct), r => Assert.NotNull(r.ClaimedUpToId));
            Assert.Equal(0, await db.ReportFilings.CountAsync(Ct));
            Assert.Equal(5, await db.AuditEvents.CountAsync(e => e.Action == "report.filed", Ct));
        }
    }

    /// <summary>
    /// Reports filed before claims were ranges listed their entries one by one; a report filed now leaves those out, takes
    /// what they did not, and a later range leaves out what the range before it took.
    /// </summary>
    [Theory]
    [MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task EntriesListedByAReportFiledBeforeRanges_AreNotFiledAgain(DatabaseProvider provider)
    {
        await using var scenario = await Scenario.StartAsync(postgres, provider);
        var n = TestData.Next();
        string[] numbers = [TestData.Msisdn(n), TestData.Msisdn(n + 1), TestData.Msisdn(n + 2)];
        await AddEntriesAsync(scenario, (numbers[0], new DateOnly(2026, 9, 3), DisconnectionSource.Cancellation), (numbers[1], new DateOnly(2026, 9, 4), DisconnectionSource.Cancellation));
        var legacyReport = Guid.NewGuid();
        await using (var db = scenario.Database.CreateContext())
        {
            // As the row ledger left it: September filed, the first entry listed, the second one late (not yet filed).
            var listed = await db.Disconnections.AsNoTracking().Where(d => d.Msisdn == Msisdn.Parse(numbers[0])).Select(d => d.Id).SingleAsync(Ct);
            var at = provider == DatabaseProvider.Sqlite ? (object)DateTimeOffset.UtcNow.UtcTicks : DateTimeOffset.UtcNow;
            await db.Database.ExecuteSqlRawAsync("""
                INSERT INTO disconnection_reports ("Id", "Period", "Profile", "Format", "RowCount", "Sha256", "CreatedAt", "CreatedBy", "Files", "Version")
                VALUES ({0}, '2026-09', 'Generic', 'Csv', 1, '', {1}, 'staff:before', '[]', 1)
                """, [legacyReport, at], Ct);
            await db.Database.ExecuteSqlRawAsync("""INSERT INTO report_filings ("Profile", "DisconnectionId", "ReportId") VALUES ('Generic', {0}, {1})""", [listed, legacyReport], Ct);
        }
        using var supervisor = await scenario.StaffAsync("supervisor");
        using var admin = await scenario.StaffAsync("admin");

        var october = await FileAsync(supervisor, "2026-10", "generic", "csv");
        Assert.Equal(1, october.Body.GetProperty("rowCount").GetInt64());
        var csv = await DownloadTextAsync(admin, october.Body, 0);
        Assert.Contains(numbers[1], csv, StringComparison.Ordinal);
        Assert.DoesNotContain(numbers[0], csv, StringComparison.Ordinal);

        // After October's range: an October entry recorded now goes into November's report, alone.
        await AddEntriesAsync(scenario, (numbers[2], new DateOnly(2026, 10, 30), DisconnectionSource.Cancellation));
        var november = await FileAsync(supervisor, "2026-11", "generic", "csv");
        Assert.Equal(1, november.Body.GetProperty("rowCount").GetInt64());
        Assert.Contains(numbers[2], await DownloadTextAsync(admin, november.Body, 0), StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task ALegacyRegisterImportedWithReport_IsFiled_WithoutItIsNot_AnEntryAlreadyThereKeepsWhatItWas(DatabaseProvider provider)
    {
        await using var scenario = await Scenario.StartAsync(postgres, provider);
        var n = TestData.Next();
        TestData.Next();
        TestData.Next();
        var (filedElsewhere, notYetFiled, both) = (TestData.Msisdn(n), TestData.Msisdn(n + 1), TestData.Msisdn(n + 2));
        var importer = scenario.Host.Services.GetRequiredService<LastCall.Features.Imports.DisconnectionImporter>();
        async Task<LastCall.Features.Imports.DisconnectionImportSummary> ImportAsync(bool report, params string[] rows)
        {
            using var csv = new MemoryStream(Encoding.UTF8.GetBytes("msisdn,disconnected_on\n" + string.Join("\n", rows) + "\n"));
            return await importer.ImportAsync(csv, report: report, ct: Ct);
        }

        // The earlier system filed these itself; this one it did not.
        Assert.Equal(2, (await ImportAsync(false, $"{filedElsewhere},2026-09-03", $"{both},2026-09-04")).Imported);
        var reported = await ImportAsync(true, $"{notYetFiled},2026-09-10", $"{both},2026-09-04");
        Assert.Equal((1L, 1L), (reported.Imported, reported.AlreadyRegistered));

        using var supervisor = await scenario.StaffAsync("supervisor");
        var september = await FileAsync(supervisor, "2026-09", "generic", "csv");
        Assert.Equal(HttpStatusCode.Created, september.Status);
        Assert.Equal(["msisdn,disconnected_on,cancellation_id", $"{notYetFiled},2026-09-10,"],
            (await DownloadTextAsync(supervisor, september.Body, 0)).TrimEnd('\n').Split('\n'));

        await using var db = scenario.Database.CreateContext();
        var loads = await db.AuditEvents.AsNoTracking().Where(e => e.Action == "register.imported").OrderBy(e => e.Id).Select(e => e.After!).ToListAsync(Ct);
        Assert.Equal(2, loads.Count);
        Assert.Contains("\"reported\":false", loads[0], StringComparison.Ordinal);
        Assert.Contains("\"reported\":true", loads[1], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Filing_IsForSupervisorsAndAdmins_AndRefusesWhatIsNotAMonthProfileOrFormat()
    {
        await using var harness = await ExecutionHarness.StartAsync(postgres);
        var scenario = harness.Scenario;
        var clerk = await scenario.StaffAsync("clerk");
        var customer = await scenario.CustomerAsync(scenario.CustomerA);
        foreach (var client in new[] { clerk, customer })
        {
            Assert.Equal(HttpStatusCode.Forbidden, (await FileAsync(client, "2026-10", "generic", "csv")).Status);
            Assert.Equal(HttpStatusCode.Forbidden, (await client.GetAsync(Reports, Ct)).StatusCode);
        }
        Assert.Equal(HttpStatusCode.Unauthorized, (await FileAsync(scenario.Anonymous, "2026-10", "generic", "csv")).Status);

        var supervisor = await scenario.StaffAsync("supervisor");
        foreach (var (period, profile, format, code) in new[]
        {
            ("2026-13", "generic", "csv", "invalid_period"), ("October", "generic", "csv", "invalid_period"), ("2099-01", "generic", "csv", "invalid_period"),
            ("2026-10", "fcc", "csv", "invalid_profile"), ("2026-10", "generic", "pdf", "invalid_format"),
        })
        {
            var refused = await FileAsync(supervisor, period, profile, format);
            Assert.Equal(HttpStatusCode.BadRequest, refused.Status);
            Assert.Equal(code, refused.Body.GetProperty("code").GetString());
        }
        Assert.Empty(await supervisor.GetFromJsonAsync<JsonElement[]>(Reports, Ct) ?? []);
        var missing = await supervisor.GetAsync($"{Reports}/{Guid.NewGuid()}/files/x.csv", Ct);
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);

        // Nothing half-written: a refused filing left no report, no filing and no file.
        await using var db = scenario.Database.CreateContext();
        Assert.Equal(0, await db.DisconnectionReports.CountAsync(Ct));
        Assert.False(Directory.Exists(Path.Combine(scenario.Database.Settings().DataFolder, "reports")) &&
                     Directory.EnumerateFileSystemEntries(Path.Combine(scenario.Database.Settings().DataFolder, "reports")).Any());
    }

    [Fact]
    public async Task CommandLine_FilesTheReport_AndCopiesItsFiles_ExitThreeWhenAlreadyFiled()
    {
        using var database = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite, postgres);
        var number = TestData.Msisdn(TestData.Next());
        await using (var db = database.CreateContext())
        {
            db.Disconnections.Add(Disconnection.Record(Msisdn.Parse(number), new DateOnly(2026, 9, 30), DisconnectionSource.Cancellation, DateTimeOffset.UtcNow).Value);
            await db.SaveChangesAsync(Ct);
        }
        var folder = Path.Combine(Path.GetTempPath(), "lastcall-reports-" + Guid.NewGuid().ToString("N"));
        try
        {
            var filed = await database.RunCommandAsync("reports", "disconnections", "--period", "2026-09", "--profile", "generic", "--format", "csv", "--out", folder);
            Assert.True(filed.ExitCode == 0, filed.Output + filed.Error);
            var path = Path.Combine(folder, "disconnections-2026-09-generic.csv");
            Assert.Equal($"msisdn,disconnected_on,cancellation_id\n{number},2026-09-30,\n", await File.ReadAllTextAsync(path, Ct));
            Assert.Contains(Convert.ToHexStringLower(SHA256.HashData(await File.ReadAllBytesAsync(path, Ct))), filed.Output, StringComparison.Ordinal);

            var twice = await database.RunCommandAsync("reports", "disconnections", "--period", "2026-09", "--profile", "generic", "--format", "csv", "--out", folder + "-2");
            Assert.Equal(3, twice.ExitCode);
            Assert.Contains("already_filed", twice.Error, StringComparison.Ordinal);
        }
        finally
        {
            if (Directory.Exists(folder))
                Directory.Delete(folder, recursive: true);
        }
    }

    private sealed record Filed(HttpStatusCode Status, JsonElement Body)
    {
        public Guid Id => Body.GetProperty("id").GetGuid();
    }

    private static async Task<Filed> FileAsync(HttpClient client, string period, string profile, string format)
    {
        using var response = await client.PostAsJsonAsync(Reports, new { period, profile, format }, Ct);
        var text = await response.Content.ReadAsStringAsync(Ct);
        return new Filed(response.StatusCode, text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone());
    }

    /// <summary>Downloads a file of the report and checks it is what was filed: its SHA-256 and size as the report gives them.</summary>
    private static async Task<byte[]> DownloadAsync(HttpClient client, JsonElement report, int file)
    {
        var entry = report.GetProperty("files")[file];
        var name = entry.GetProperty("name").GetString()!;
        var bytes = await client.GetByteArrayAsync($"{Reports}/{report.GetProperty("id").GetGuid()}/files/{Uri.EscapeDataString(name)}", Ct);
        Assert.Equal(entry.GetProperty("sha256").GetString(), Convert.ToHexStringLower(SHA256.HashData(bytes)));
        Assert.Equal(entry.GetProperty("bytes").GetInt64(), bytes.Length);
        if (report.GetProperty("files").GetArrayLength() == 1)
            Assert.Equal(report.GetProperty("sha256").GetString(), entry.GetProperty("sha256").GetString());
        return bytes;
    }

    private static async Task<string> DownloadTextAsync(HttpClient client, JsonElement report, int file) =>
        Encoding.UTF8.GetString(await DownloadAsync(client, report, file));

    /// <summary>The first sheet's rows as text, read with the Open XML SDK (as a spreadsheet program would).</summary>
    private static async Task<List<string[]>> DownloadSheetAsync(HttpClient client, JsonElement report, int file)
    {
        using var stream = new MemoryStream(await DownloadAsync(client, report, file));
        using var document = SpreadsheetDocument.Open(stream, false);
        var workbook = document.WorkbookPart!;
        var sheet = workbook.Workbook.Sheets!.Elements<Sheet>().Single();
        Assert.Equal("disconnections", sheet.Name?.Value);
        var part = (WorksheetPart)workbook.GetPartById(sheet.Id!.Value!);
        return [.. part.Worksheet.Descendants<Row>().Select(r => r.Elements<Cell>().Select(c => c.InnerText).ToArray())];
    }

    private static async Task AddEntriesAsync(Scenario scenario, params (string Msisdn, DateOnly On, DisconnectionSource Source)[] entries)
    {
        await using var db = scenario.Database.CreateContext();
        foreach (var (msisdn, on, source) in entries)
            db.Disconnections.Add(Disconnection.Record(Msisdn.Parse(msisdn), on, source, DateTimeOffset.UtcNow).Value);
        await db.SaveChangesAsync(Ct);
    }

    private static async Task<DateOnly> TodayAsync(Scenario scenario, string msisdn)
    {
        await using var db = scenario.Database.CreateContext();
        return (await db.Disconnections.AsNoTracking().Where(d => d.Msisdn == Msisdn.Parse(msisdn)).OrderByDescending(d => d.Id).FirstAsync(Ct)).DisconnectedOn;
    }
}
