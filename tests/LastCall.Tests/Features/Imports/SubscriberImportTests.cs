using System.Text;
using LastCall.Data;
using LastCall.Domain.Common;
using LastCall.Domain.Customers;
using LastCall.Domain.Lines;
using LastCall.Domain.Numbers;
using LastCall.Features.Imports;
using LastCall.Security;
using LastCall.TestSupport;
using Microsoft.EntityFrameworkCore;

namespace LastCall.Tests.Features.Imports;

public sealed class SubscriberImportTests(PostgresCluster postgres)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task GoodFile_ImportsEveryRowWithAllItsParts(DatabaseProvider provider)
    {
        using var database = await TestDatabase.CreateAsync(provider, postgres);
        var n = TestData.Next();
        var ownerId = TestData.ResidentId(n);
        var companions = $"{TestData.Iccid(n)}:{TestData.Eid(n)}:primary:iPhone 16|{TestData.Iccid(n + 1)}:{TestData.Eid(n + 1)}:companion:Apple Watch";
        var csv = TestData.Csv(
            TestData.HeaderWithStatus,
            TestData.Row(n, idNumber: ownerId, profiles: companions, balance: "35.80") + ",,,,zh-CN,",
            TestData.Row(n + 2, idNumber: ownerId, arrears: "158.00", password: "135790") + ",,suspended,2026-06-01,zh-CN,",
            TestData.Row(n + 3, profiles: "") + ",,cancelled,2026-01-10,en,someone@example.com");

        var summary = await database.ImportAsync(csv);

        Assert.Null(summary.FileError);
        Assert.Equal(0, summary.RejectedCount);
        Assert.Equal(3, summary.Imported);

        await using var db = database.CreateContext();
        Assert.Equal(2, await db.Customers.CountAsync(Ct));
        var first = await db.Lines.SingleAsync(l => l.Msisdn == Msisdn.Parse(TestData.Msisdn(n)), Ct);
        Assert.Equal(LineStatus.Active, first.Status);
        Assert.Equal(2, first.Profiles.Count);
        Assert.Contains(first.Profiles, p => p.Role == ProfileRole.Companion && p.DeviceLabel == "Apple Watch" && p.State == ProfileState.Installed);
        Assert.True(SecretHasher.Verify(TestData.RowPassword, first.ServicePasswordHash));
        Assert.Equal(35.80m, (await db.BillingAccounts.SingleAsync(a => a.LineId == first.Id, Ct)).Balance);

        var second = await db.Lines.SingleAsync(l => l.Msisdn == Msisdn.Parse(TestData.Msisdn(n + 2)), Ct);
        Assert.Equal(first.CustomerId, second.CustomerId);
        Assert.Equal(LineStatus.Suspended, second.Status);
        Assert.Equal(158.00m, (await db.BillingAccounts.SingleAsync(a => a.LineId == second.Id, Ct)).Arrears);

        var cancelledNumber = Msisdn.Parse(TestData.Msisdn(n + 3));
        var cancelled = await db.Lines.SingleAsync(l => l.Msisdn == cancelledNumber, Ct);
        Assert.Equal(LineStatus.Cancelled, cancelled.Status);
        var pool = await db.PoolNumbers.SingleAsync(p => p.Msisdn == cancelledNumber, Ct);
        var entry = await db.Disconnections.SingleAsync(d => d.Msisdn == cancelledNumber, Ct);
        Assert.Equal(new DateOnly(2026, 1, 10), entry.DisconnectedOn);
        Assert.Equal(DisconnectionSource.Import, entry.Source);
        // 90 days after 2026-01-10 is long past: the number aged out of quarantine.
        Assert.Equal(NumberState.Available, pool.State);
        Assert.Equal(NumberState.Assigned, (await db.PoolNumbers.SingleAsync(p => p.Msisdn == first.Msisdn, Ct)).State);
        var english = await db.Customers.SingleAsync(c => c.Id == cancelled.CustomerId, Ct);
        Assert.Equal("en", english.PreferredLanguage);
        Assert.Equal("someone@example.com", english.Email);
    }

    [Theory]
    [MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task IdNumbersAndPasswords_NeverStoredInClear(DatabaseProvider provider)
    {
        using var database = await TestDatabase.CreateAsync(provider, postgres);
        var n = TestData.Next();
        var idNumber = TestData.ResidentId(n);

        await database.ImportAsync(TestData.Csv(TestData.Header, TestData.Row(n, idNumber: idNumber, password: "864213")));

        await using var db = database.CreateContext();
        var customer = await db.Customers.SingleAsync(Ct);
        Assert.DoesNotContain(idNumber, customer.IdNumberCiphertext, StringComparison.Ordinal);
        Assert.DoesNotContain(idNumber[4..14], customer.IdNumberMasked, StringComparison.Ordinal);
        Assert.Equal(idNumber[..4] + "**********" + idNumber[14..], customer.IdNumberMasked);
        Assert.Equal(idNumber, database.Protector().Decrypt(IdType.ResidentId, customer.IdNumberCiphertext));
        Assert.Equal(database.Protector().BlindIndex(IdDocument.Create(IdType.ResidentId, idNumber).Value), customer.IdNumberBlindIndex);
        var line = await db.Lines.SingleAsync(Ct);
        Assert.DoesNotContain("864213", line.ServicePasswordHash, StringComparison.Ordinal);
        Assert.StartsWith("pbkdf2-sha256$600000$", line.ServicePasswordHash, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task BadRows_EachRejectedWithRowAndCode_OthersImported(DatabaseProvider provider)
    {
        using var database = await TestDatabase.CreateAsync(provider, postgres);
        var n = TestData.Next();
        var badIccid = TestData.Iccid(n + 2);
        badIccid = badIccid[..^1] + (char)('0' + (badIccid[^1] - '0' + 1) % 10);
        var lines = new[]
        {
            TestData.Header,                                                                               // line 1
            TestData.Row(n),                                                                               // 2 ok
            TestData.Row(n + 1, msisdn: "+86123"),                                                         // 3 bad msisdn
            TestData.Row(n + 2, profiles: $"{badIccid}:{TestData.Eid(n + 2)}:primary:iPhone"),             // 4 bad ICCID check digit
            TestData.Row(n + 3, profiles: $"{TestData.Iccid(n + 3)}:{TestData.Eid(n + 3)}:watch:Watch"),    // 5 unknown role
            TestData.Row(n + 4, arrears: "-10.00"),                                                        // 6 negative arrears
            TestData.Row(n, profiles: ""),                                                                 // 7 duplicate of line 2
            TestData.Row(n + 5) + ",extra",                                                                // 8 wrong column count
            "NON-UTF8-PLACEHOLDER",                                                                        // 9 not UTF-8
            TestData.Row(n + 6, profiles: $"{TestData.Iccid(n + 6)}:123:primary:iPhone"),                  // 10 bad EID
            TestData.Row(n + 7),                                                                           // 11 ok
        };
        var bytes = Encoding.UTF8.GetBytes(string.Join('\n', lines) + "\n");
        var placeholder = Encoding.UTF8.GetBytes("NON-UTF8-PLACEHOLDER");
        var at = bytes.AsSpan().IndexOf(placeholder);
        byte[] invalid = [.. Encoding.UTF8.GetBytes(TestData.Row(n + 8)[..20]), 0xC3, 0x28, 0xFF, .. "rest"u8];
        bytes = [.. bytes.AsSpan(0, at), .. invalid, .. bytes.AsSpan(at + placeholder.Length)];

        var summary = await database.ImportAsync(new MemoryStream(bytes));

        Assert.Null(summary.FileError);
        Assert.Equal(2, summary.Imported);
        Assert.Equal(
            [(3, "invalid_msisdn"), (4, "invalid_iccid"), (5, "invalid_profile_role"), (6, "negative_amount"), (7, "duplicate_msisdn"), (8, "column_count"), (9, "invalid_encoding"), (10, "invalid_eid")],
            summary.Rejected.Select(r => (r.Row, r.Code)).ToArray());
        Assert.All(summary.Rejected, r => Assert.False(string.IsNullOrWhiteSpace(r.Detail)));

        // Nothing of a rejected row was written: no half subscribers.
        await using var db = database.CreateContext();
        Assert.Equal(2, await db.Customers.CountAsync(Ct));
        Assert.Equal(2, await db.Lines.CountAsync(Ct));
        Assert.Equal(2, await db.BillingAccounts.CountAsync(Ct));
        Assert.Equal(2, await db.PoolNumbers.CountAsync(Ct));
        Assert.Equal(2, await db.EsimProfiles.CountAsync(Ct));
    }

    [Theory]
    [MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task EmptyFile_ReportsMissingHeader_WritesNothing(DatabaseProvider provider)
    {
        using var database = await TestDatabase.CreateAsync(provider, postgres);

        var summary = await database.ImportAsync(new MemoryStream());

        Assert.Equal("missing_header", summary.FileError?.Code);
        Assert.Equal(0, summary.Imported);
        await using var db = database.CreateContext();
        Assert.Equal(0, await db.Lines.CountAsync(Ct));
    }

    [Theory]
    [MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task HeaderOnly_ImportsNothing_WithoutError(DatabaseProvider provider)
    {
        using var database = await TestDatabase.CreateAsync(provider, postgres);

        var summary = await database.ImportAsync(TestData.Csv(TestData.Header));

        Assert.Null(summary.FileError);
        Assert.Equal(0, summary.Imported);
        Assert.Equal(0, summary.RejectedCount);
    }

    [Fact]
    public async Task WrongHeader_IsAFileError()
    {
        using var database = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite, postgres);

        var missingColumn = await database.ImportAsync(TestData.Csv("msisdn,name", TestData.Row(TestData.Next())));
        var unknownColumn = await database.ImportAsync(TestData.Csv(TestData.Header + ",shoe_size"));

        Assert.Equal("invalid_header", missingColumn.FileError?.Code);
        Assert.Contains("id_type", missingColumn.FileError!.Detail, StringComparison.Ordinal);
        Assert.Equal("invalid_header", unknownColumn.FileError?.Code);
        Assert.Contains("shoe_size", unknownColumn.FileError!.Detail, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task Reimport_SameNumbers_UpdatesInPlaceWithoutDuplicates(DatabaseProvider provider)
    {
        using var database = await TestDatabase.CreateAsync(provider, postgres);
        var n = TestData.Next();
        var id = TestData.ResidentId(n);
        await database.ImportAsync(TestData.Csv(TestData.Header, TestData.Row(n, idNumber: id), TestData.Row(n + 1, idNumber: id)));
        await using var before = database.CreateContext();
        var originalHash = (await before.Lines.SingleAsync(l => l.Msisdn == Msisdn.Parse(TestData.Msisdn(n)), Ct)).ServicePasswordHash;

        var again = await database.ImportAsync(TestData.Csv(TestData.Header,
            TestData.Row(n, idNumber: id, arrears: "20.00", name: "张伟伟"),
            TestData.Row(n + 1, idNumber: id, name: "张伟伟", profiles: $"{TestData.Iccid(n + 1)}:{TestData.Eid(n + 1)}:primary:iPhone 16|{TestData.Iccid(n + 9)}::companion:Watch")));

        Assert.Equal(2, again.Imported);
        Assert.Equal(0, again.RejectedCount);
        await using var db = database.CreateContext();
        Assert.Equal(1, await db.Customers.CountAsync(Ct));
        Assert.Equal("张伟伟", (await db.Customers.SingleAsync(Ct)).Name);
        Assert.Equal(2, await db.Lines.CountAsync(Ct));
        Assert.Equal(2, await db.BillingAccounts.CountAsync(Ct));
        var line = await db.Lines.SingleAsync(l => l.Msisdn == Msisdn.Parse(TestData.Msisdn(n)), Ct);
        Assert.Equal(20.00m, (await db.BillingAccounts.SingleAsync(a => a.LineId == line.Id, Ct)).Arrears);
        // The same password keeps its hash (and salt): re-imports do not churn credentials.
        Assert.Equal(originalHash, line.ServicePasswordHash);
        var other = await db.Lines.SingleAsync(l => l.Msisdn == Msisdn.Parse(TestData.Msisdn(n + 1)), Ct);
        Assert.Equal(2, other.Profiles.Count);
        Assert.Contains(other.Profiles, p => p.Role == ProfileRole.Companion && p.Eid is null && p.State == ProfileState.Released);
    }

    [Theory]
    [InlineData("23505", true)] // a unique violation: the bad row is found row by row
    [InlineData("40001", true)] // a serialization failure
    [InlineData("57P01", false)] // the server is shutting down: the run stops
    [InlineData("08006", false)] // the connection failed
    public void ABatchIsRedoneRowByRow_OnlyWhenTheDatabaseRefusedItsData(string sqlState, bool redone)
    {
        var refused = new Npgsql.PostgresException("refused", "ERROR", "ERROR", sqlState);

        Assert.Equal(redone, SubscriberImporter.IsRefusal(refused));
        Assert.Equal(redone, SubscriberImporter.IsRefusal(new DbUpdateException("save failed", refused)));
        Assert.True(SubscriberImporter.IsRefusal(new DbUpdateConcurrencyException("changed meanwhile")));
        Assert.False(SubscriberImporter.IsRefusal(new Npgsql.NpgsqlException("Exception while reading from stream", new IOException("reset"))));
    }

    [Theory]
    [MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task AnImport_DeletesTheLinesItRemembered_AndThoseLeftByRunsThatBeganOverAWeekAgo(DatabaseProvider provider)
    {
        using var database = await TestDatabase.CreateAsync(provider, postgres);
        var n = TestData.Next();
        await database.ImportAsync(TestData.Csv(TestData.Header, TestData.Row(n)));
        var now = DateTimeOffset.UtcNow;
        var killedLastMonth = Guid.CreateVersion7(now.AddDays(-30));
        var killedEightDaysAgo = Guid.CreateVersion7(now.AddDays(-8));
        var stillRunning = Guid.CreateVersion7(now.AddDays(-6));
        await using (var seed = database.CreateContext())
        {
            foreach (var run in new[] { killedLastMonth, killedEightDaysAgo, stillRunning })
                seed.ImportRunLines.Add(new ImportRunLine(run, Guid.CreateVersion7()));
            await seed.SaveChangesAsync(Ct);
        }

        // The row changes nothing on PostgreSQL's bulk path: the run remembers its line beside it until it ends.
        var again = await database.ImportAsync(TestData.Csv(TestData.Header, TestData.Row(n)));

        Assert.Equal(1, again.Imported);
        await using var db = database.CreateContext();
        Assert.Equal([stillRunning], await db.ImportRunLines.Select(m => m.RunId).ToListAsync(Ct));
    }

    [Theory]
    [MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task IccidOfAnotherLine_IsRejected(DatabaseProvider provider)
    {
        using var database = await TestDatabase.CreateAsync(provider, postgres);
        var n = TestData.Next();
        await database.ImportAsync(TestData.Csv(TestData.Header, TestData.Row(n)));

        var summary = await database.ImportAsync(TestData.Csv(TestData.Header,
            TestData.Row(n + 1, profiles: $"{TestData.Iccid(n)}:{TestData.Eid(n)}:primary:Stolen")));

        Assert.Equal(0, summary.Imported);
        Assert.Equal("iccid_in_use", Assert.Single(summary.Rejected).Code);
    }

    [Fact]
    public async Task QuarantinedNumber_CannotBeReassignedByImport()
    {
        using var database = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite, postgres);
        var n = TestData.Next();
        var recent = DateOnly.FromDateTime(DateTime.UtcNow.AddDays(-10)).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        await database.ImportAsync(TestData.Csv(TestData.HeaderWithStatus, TestData.Row(n, profiles: "") + $",,cancelled,{recent},,"));

        var summary = await database.ImportAsync(TestData.Csv(TestData.Header, TestData.Row(n, idNumber: TestData.ResidentId(n + 50), profiles: "")));

        Assert.Equal("number_quarantined", Assert.Single(summary.Rejected).Code);
        await using var db = database.CreateContext();
        var pool = await db.PoolNumbers.SingleAsync(Ct);
        Assert.Equal(NumberState.Quarantined, pool.State);
        Assert.Equal(DateOnly.FromDateTime(DateTime.UtcNow.AddDays(-10)).AddDays(90), pool.QuarantinedUntil);
        Assert.Equal(1, await db.Disconnections.CountAsync(Ct));
    }

    [Fact]
    public async Task ManyRows_SpanningBatches_AllImported()
    {
        using var database = await TestDatabase.CreateAsync(DatabaseProvider.Postgres, postgres);
        var hash = TestData.HashOf(TestData.RowPassword);
        var start = TestData.Next();
        for (var i = 0; i < 1300; i++)
            TestData.Next();
        var rows = Enumerable.Range(start, 1300).Select(i => TestData.Row(i, password: hash, profiles: $"{TestData.Iccid(i)}:{TestData.Eid(i)}:primary:Phone")).Prepend(TestData.Header).ToArray();

        var summary = await database.ImportAsync(TestData.Csv(rows));

        Assert.Equal(1300, summary.Imported);
        await using var db = database.CreateContext();
        Assert.Equal(1300, await db.Lines.CountAsync(Ct));
        Assert.Equal(1300, await db.EsimProfiles.CountAsync(Ct));
    }

    /// <summary>
    /// A first import into empty tables leaves PostgreSQL's planner thinking they are empty until autovacuum analyzes them
    /// (off in the test cluster): the import analyzes them itself once it has created enough lines (decision 0033).
    /// </summary>
    [Fact]
    public async Task AFirstImportOfManyLines_RefreshesThePlannerStatistics()
    {
        using var database = await TestDatabase.CreateAsync(DatabaseProvider.Postgres, postgres);
        var hash = TestData.HashOf(TestData.RowPassword);
        var start = TestData.Next();
        for (var i = 1; i < PlannerStatistics.FirstAfter; i++)
            TestData.Next();
        string[] rows = [TestData.Header, .. Enumerable.Range(start, PlannerStatistics.FirstAfter).Select(n => TestData.Row(n, password: hash))];

        var summary = await database.ImportAsync(TestData.Csv(rows));

        Assert.Equal(PlannerStatistics.FirstAfter, summary.Imported);
        await using var db = database.CreateContext();
        foreach (var table in new[] { "lines", "customers", "esim_profiles", "billing_accounts", "pool_numbers" })
        {
            var estimate = await db.Database.SqlQuery<float>($"SELECT reltuples AS \"Value\" FROM pg_class WHERE relname = {table}").SingleAsync(Ct);
            Assert.Equal(PlannerStatistics.FirstAfter, estimate);
        }
    }

    /// <summary>
    /// On PostgreSQL a re-import reads the next batch while the one before it is applied (decision 0019): a number repeated
    /// across that boundary must still be seen as repeated, as if the batches ran one after the other. The first batch finds
    /// existing lines, which turns reading ahead on; the third batch's record shares its number with the second batch's,
    /// so it is read only once the second is written.
    /// </summary>
    [Theory]
    [MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task ANumberRepeatedAcrossTheBatchesOfAReimport_IsADuplicate(DatabaseProvider provider)
    {
        using var database = await TestDatabase.CreateAsync(provider, postgres);
        var hash = TestData.HashOf(TestData.RowPassword);
        const int batch = SubscriberImporter.BatchSize;
        var (start, existing) = await ImportThreeBatchesOfLinesAsync(database);
        // The same file again, with a number of the second batch repeated (under another name) as the third batch's first row.
        var repeated = start + batch + 5;
        string[] again = [.. existing[..(2 * batch + 1)], TestData.Row(repeated, password: hash, name: "李娜"), existing[^1]];

        var summary = await database.ImportAsync(TestData.Csv(again));

        Assert.Equal(2 * batch + 1, summary.Imported);
        Assert.Equal(["duplicate_msisdn"], summary.Rejected.Select(r => r.Code));
        Assert.Equal([2 * batch + 1], summary.Rejected.Select(r => r.Row - 1));
        await using var db = database.CreateContext();
        var line = await db.Lines.SingleAsync(l => l.Msisdn == Msisdn.Parse(TestData.Msisdn(repeated)), Ct);
        Assert.Equal("张伟", (await db.Customers.SingleAsync(c => c.Id == line.CustomerId, Ct)).Name);
        // Three batches each time, each written whole (a batch redone row by row writes one audit event per row).
        Assert.Equal(6, await db.AuditEvents.CountAsync(e => e.Action == "subscribers.batch_imported", Ct));
    }

    /// <summary>
    /// The third batch of a re-import is read beside the second (their records share no key), but the second releases an
    /// ICCID found on one of its lines which the third gives to another line: only the check after both reads knows it, and
    /// the third must be read again after the second is written, so that the ICCID is free as in a sequential import.
    /// </summary>
    [Theory]
    [MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task AnIccidReleasedByTheBatchReadBesideIt_IsFreeForTheNext(DatabaseProvider provider)
    {
        using var database = await TestDatabase.CreateAsync(provider, postgres);
        var hash = TestData.HashOf(TestData.RowPassword);
        const int batch = SubscriberImporter.BatchSize;
        var (start, existing) = await ImportThreeBatchesOfLinesAsync(database);
        var fresh = TestData.Next();
        // The same file again, but a line of the second batch takes a new eSIM, and the third batch's line takes its old one.
        int released = start + batch + 5, taker = start + 2 * batch;
        var again = existing.ToArray();
        again[released - start + 1] = TestData.Row(released, password: hash, profiles: $"{TestData.Iccid(fresh)}:{TestData.Eid(fresh)}:primary:iPhone 16");
        again[taker - start + 1] = TestData.Row(taker, password: hash, profiles: $"{TestData.Iccid(released)}:{TestData.Eid(taker)}:primary:iPhone 16");

        var summary = await database.ImportAsync(TestData.Csv(again));

        Assert.Empty(summary.Rejected);
        Assert.Equal(2 * batch + 1, summary.Imported);
        await using var db = database.CreateContext();
        var takerLine = await db.Lines.SingleAsync(l => l.Msisdn == Msisdn.Parse(TestData.Msisdn(taker)), Ct);
        Assert.Equal([Iccid.Parse(TestData.Iccid(released))], takerLine.Profiles.Select(p => p.Iccid));
        var releasedLine = await db.Lines.SingleAsync(l => l.Msisdn == Msisdn.Parse(TestData.Msisdn(released)), Ct);
        Assert.Equal([Iccid.Parse(TestData.Iccid(fresh))], releasedLine.Profiles.Select(p => p.Iccid));
        Assert.Equal(6, await db.AuditEvents.CountAsync(e => e.Action == "subscribers.batch_imported", Ct));
    }

    /// <summary>Imports the lines of two batches and one more (a third batch), for the re-import tests: the first number and the rows, header first.</summary>
    private static async Task<(int Start, string[] Rows)> ImportThreeBatchesOfLinesAsync(TestDatabase database)
    {
        const int count = 2 * SubscriberImporter.BatchSize + 1;
        var start = TestData.Next();
        for (var i = 1; i < count; i++)
            TestData.Next();
        var hash = TestData.HashOf(TestData.RowPassword);
        string[] rows = [TestData.Header, .. Enumerable.Range(start, count).Select(n => TestData.Row(n, password: hash))];
        Assert.Equal(count, (await database.ImportAsync(TestData.Csv(rows))).Imported);
        return (start, rows);
    }

    /// <summary>
    /// On PostgreSQL the next batch is loaded while the previous one is written (decision 0019); a batch that needs the
    /// previous one's rows (a customer spanning the boundary, a number or ICCID repeated) must see them as if the batches
    /// ran one after the other.
    /// </summary>
    [Theory]
    [MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task RowsDependingOnThePreviousBatch_SeeItsRows(DatabaseProvider provider)
    {
        using var database = await TestDatabase.CreateAsync(provider, postgres);
        var hash = TestData.HashOf(TestData.RowPassword);
        const int count = SubscriberImporter.BatchSize + 4;
        var start = TestData.Next();
        for (var i = 1; i < count; i++)
            TestData.Next();
        var shared = TestData.ResidentId(start + SubscriberImporter.BatchSize - 2);
        var rows = new List<string> { TestData.Header };
        for (var i = 0; i < count - 2; i++)
        {
            // The last two rows of the first batch and the first two of the second share an owner.
            var idNumber = i >= SubscriberImporter.BatchSize - 2 ? shared : null;
            rows.Add(TestData.Row(start + i, idNumber: idNumber, password: hash));
        }
        rows.Add(TestData.Row(start + count - 2, msisdn: TestData.Msisdn(start + 5), password: hash));
        rows.Add(TestData.Row(start + count - 1, password: hash, profiles: $"{TestData.Iccid(start + 10)}:{TestData.Eid(start + 10)}:primary:Stolen"));

        var summary = await database.ImportAsync(TestData.Csv([.. rows]));

        Assert.Equal(count - 2, summary.Imported);
        Assert.Equal(["duplicate_msisdn", "iccid_in_use"], summary.Rejected.Select(r => r.Code));
        Assert.Equal([SubscriberImporter.BatchSize + 3, SubscriberImporter.BatchSize + 4], summary.Rejected.Select(r => r.Row - 1));
        await using var db = database.CreateContext();
        Assert.Equal(count - 2, await db.Lines.CountAsync(Ct));
        Assert.Equal(count - 2 - 4 + 1, await db.Customers.CountAsync(Ct));
        var owner = await db.Customers.SingleAsync(c => c.IdNumberBlindIndex == database.Protector().Protect(IdDocument.Create(IdType.ResidentId, shared).Value).BlindIndex, Ct);
        Assert.Equal(4, await db.Lines.CountAsync(l => l.CustomerId == owner.Id, Ct));
        // Each batch was written whole (a batch that had run ahead of its predecessor's rows would have failed to save and
        // been redone row by row, one audit event per row).
        Assert.Equal(2, await db.AuditEvents.CountAsync(e => e.Action == "subscribers.batch_imported", Ct));
    }

    /// <summary>
    /// On PostgreSQL two batches are written at once while a third is loaded (decision 0019): a batch that needs the rows
    /// of the batch two before it (its owner, a number, an ICCID), which may still be being written when it arrives, must
    /// see them as if every batch ran one after the other.
    /// </summary>
    [Theory]
    [MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task RowsDependingOnABatchTwoBefore_SeeItsRows(DatabaseProvider provider)
    {
        using var database = await TestDatabase.CreateAsync(provider, postgres);
        var hash = TestData.HashOf(TestData.RowPassword);
        const int batch = SubscriberImporter.BatchSize;
        const int count = 2 * batch + 5;
        var start = TestData.Next();
        for (var i = 1; i < count; i++)
            TestData.Next();
        var rows = new List<string> { TestData.Header };
        for (var i = 0; i < 2 * batch; i++)
            rows.Add(TestData.Row(start + i, password: hash));
        // The third batch: two more lines of the first batch's first owner, a number and an ICCID of the first batch again.
        var firstOwner = TestData.ResidentId(start);
        rows.Add(TestData.Row(start + 2 * batch, idNumber: firstOwner, password: hash));
        rows.Add(TestData.Row(start + 2 * batch + 1, idNumber: firstOwner, password: hash));
        rows.Add(TestData.Row(start + 2 * batch + 2, password: hash));
        rows.Add(TestData.Row(start + 2 * batch + 3, msisdn: TestData.Msisdn(start + 7), password: hash));
        rows.Add(TestData.Row(start + 2 * batch + 4, password: hash, profiles: $"{TestData.Iccid(start + 9)}:{TestData.Eid(start + 9)}:primary:Stolen"));

        var summary = await database.ImportAsync(TestData.Csv([.. rows]));

        Assert.Equal(count - 2, summary.Imported);
        Assert.Equal(["duplicate_msisdn", "iccid_in_use"], summary.Rejected.Select(r => r.Code));
        Assert.Equal([2 * batch + 4, 2 * batch + 5], summary.Rejected.Select(r => r.Row - 1));
        await using var db = database.CreateContext();
        Assert.Equal(count - 2, await db.Lines.CountAsync(Ct));
        Assert.Equal(count - 2 - 2, await db.Customers.CountAsync(Ct));
        var owner = await db.Customers.SingleAsync(c => c.IdNumberBlindIndex == database.Protector().Protect(IdDocument.Create(IdType.ResidentId, firstOwner).Value).BlindIndex, Ct);
        Assert.Equal(3, await db.Lines.CountAsync(l => l.CustomerId == owner.Id, Ct));
        // Every batch was written whole: none ran ahead of rows it needed (it would have failed to save and been redone row
        // by row, one audit event per row).
        Assert.Equal(3, await db.AuditEvents.CountAsync(e => e.Action == "subscribers.batch_imported", Ct));
    }
}
