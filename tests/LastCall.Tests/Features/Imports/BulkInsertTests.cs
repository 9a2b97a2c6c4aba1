using System.Globalization;
using LastCall.Data;
using LastCall.Domain.Billing;
using LastCall.Domain.Common;
using LastCall.Domain.Customers;
using LastCall.Domain.Lines;
using LastCall.Domain.Numbers;
using LastCall.Domain.Identity;
using LastCall.Domain.Tmf;
using LastCall.Features.Imports;
using LastCall.TestSupport;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace LastCall.Tests.Features.Imports;

/// <summary>
/// <see cref="BulkInsert"/> writes with COPY exactly the rows <c>SaveChanges</c> would write. The same entities (built by
/// the import's own writer through the aggregates) go into one database with COPY and into another with a normal save;
/// every column of every entity type the import writes, read back through EF, must be the same.
/// </summary>
public sealed class BulkInsertTests(PostgresCluster postgres)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Copy_WritesWhatSaveChangesWrites_ForEveryEntityTypeTheImportWrites()
    {
        using var copied = await TestDatabase.CreateAsync(DatabaseProvider.Postgres, postgres);
        using var saved = await TestDatabase.CreateAsync(DatabaseProvider.Postgres, postgres);
        var n = TestData.Next();
        var owner = TestData.ResidentId(n);
        // Converted value types (MSISDN, ICCID, EID), enums as strings, nullable enums and dates, decimals, a null EID, a
        // null and a set e-mail, a register entry (identity key and columns left to the database), a quarantined number.
        var rows = new[]
        {
            TestData.Row(n, idNumber: owner, balance: "35.80", profiles: $"{TestData.Iccid(n)}:{TestData.Eid(n)}:primary:iPhone 16|{TestData.Iccid(n + 1)}::companion:Watch") + ",,,,zh-CN,",
            TestData.Row(n + 2, idNumber: owner, arrears: "158.00") + ",,suspended,2026-06-01,zh-CN,someone@example.com",
            TestData.Row(n + 3, profiles: "") + ",,cancelled,2026-01-10,en,",
            TestData.Row(n + 4, profiles: "") + ",,cancelled," + DateOnly.FromDateTime(DateTime.UtcNow).AddDays(-3).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) + ",en,",
        };
        var (records, identities) = Parse(copied, rows);
        var run = new ImportRun(Guid.CreateVersion7(), copied.Settings(), TimeProvider.System);

        List<object> entities;
        await using (var db = copied.CreateContext())
        {
            var writer = await SubscriberBatchWriter.LoadAsync(db, run, records, identities, copied.Protector(), new(), SubscriberBatchWriter.Saving.Bulk, Ct);
            foreach (var record in records)
                Assert.Null(writer.Apply(record).Rejection);
            // The new aggregates are collected, never tracked.
            Assert.Empty(db.ChangeTracker.Entries());
            var added = writer.New;
            entities = [.. added.Customers, .. added.Lines, .. added.Lines.SelectMany(l => l.Profiles), .. added.BillingAccounts, .. added.PoolNumbers, .. added.RegisterEntries];

            await using var listener = new NpgsqlConnection(copied.ConnectionString);
            await listener.OpenAsync(Ct);
            var notified = 0;
            listener.Notification += (_, _) => Interlocked.Increment(ref notified);
            await using (var listen = new NpgsqlCommand("LISTEN lastcall_register", listener))
                await listen.ExecuteNonQueryAsync(Ct);

            await using (var transaction = await db.Database.BeginTransactionAsync(Ct))
            {
                await writer.WriteInBulkAsync(Ct);
                await transaction.CommitAsync(Ct);
            }
            Assert.Equal(0, await db.SaveChangesAsync(Ct));
            // COPY fires the register's statement trigger: the lookup index followers hear of the new entries.
            Assert.True(await listener.WaitAsync(TimeSpan.FromSeconds(30), Ct));
            Assert.True(notified > 0);
        }

        await using (var db = saved.CreateContext())
        {
            foreach (var entity in entities)
                db.Add(entity);
            await db.SaveChangesAsync(Ct);
        }

        await using var fromCopy = copied.CreateContext();
        await using var fromSave = saved.CreateContext();
        await AssertSameRows<Customer>(fromCopy, fromSave, 3);
        await AssertSameRows<Line>(fromCopy, fromSave, 4);
        await AssertSameRows<EsimProfile>(fromCopy, fromSave, 3);
        await AssertSameRows<BillingAccount>(fromCopy, fromSave, 4);
        await AssertSameRows<PoolNumber>(fromCopy, fromSave, 4);
        await AssertSameRows<Disconnection>(fromCopy, fromSave, 2);

        // The column outside the model (decision 0011) is filled in by its default, as for an INSERT.
        await using var connection = new NpgsqlConnection(copied.ConnectionString);
        await connection.OpenAsync(Ct);
        await using var unset = new NpgsqlCommand("""SELECT count(*) FROM disconnections WHERE "WrittenInTransaction" = 0""", connection);
        Assert.Equal(0L, await unset.ExecuteScalarAsync(Ct));
    }

    [Fact]
    public async Task Import_WhenACopyFails_RedoesTheBatchRowByRow_AndRejectsOnlyTheConflictingRow()
    {
        using var database = await TestDatabase.CreateAsync(DatabaseProvider.Postgres, postgres);
        var n = TestData.Next();
        var m = TestData.Next();
        var csv = TestData.Csv(TestData.Header, TestData.Row(n), TestData.Row(n + 1000), TestData.Row(n + 2000));
        // Another writer takes the second row's ICCID after the batch has checked it and before its COPY: the COPY of eSIM
        // profiles then fails on the unique index, as it would with a concurrent import.
        var concurrent = new ConcurrentWriter(() => database.ImportAsync(TestData.Csv(TestData.Header,
            TestData.Row(m, profiles: $"{TestData.Iccid(n + 1000)}:{TestData.Eid(n + 1000)}:primary:iPhone 16"))));
        var importer = ImportFixture.Importer(database, interceptors: [concurrent, new LastCall.Auditing.UnauditedChangeRefusal()]);

        var summary = await importer.ImportAsync(csv, cancellationToken: Ct);

        Assert.True(concurrent.Wrote);
        Assert.Equal(2, summary.Imported);
        var rejection = Assert.Single(summary.Rejected);
        Assert.Equal((3, "iccid_in_use"), (rejection.Row, rejection.Code));
        await using var db = database.CreateContext();
        Assert.Equal(3, await db.Lines.CountAsync(Ct));
        Assert.Equal(3, await db.BillingAccounts.CountAsync(Ct));
        Assert.Equal(3, await db.EsimProfiles.CountAsync(Ct));
    }

    [Fact]
    public async Task Update_WritesWhatSaveChangesWrites_ForTheChangedRowsOfAReimport()
    {
        using var copied = await TestDatabase.CreateAsync(DatabaseProvider.Postgres, postgres);
        using var saved = await TestDatabase.CreateAsync(DatabaseProvider.Postgres, postgres);
        var n = TestData.Next();
        var owner = TestData.ResidentId(n);
        var password = TestData.HashOf(TestData.RowPassword);
        var clock = new FixedClock(DateTimeOffset.UtcNow);
        var protector = copied.Protector(); // one key for both databases, so the second round finds the same customers
        var (first, firstIds) = Parse(copied, [
            TestData.Row(n, idNumber: owner, password: password, profiles: $"{TestData.Iccid(n)}:{TestData.Eid(n)}:primary:iPhone 16|{TestData.Iccid(n + 1)}::companion:Watch") + ",,,,zh-CN,",
            TestData.Row(n + 2, idNumber: owner, password: password) + ",,,,zh-CN,",
            TestData.Row(n + 3, password: password, profiles: "") + ",,,,en,",
            TestData.Row(n + 4, password: password) + ",,,,en,",
        ]);
        // The same entities go into both databases.
        await using (var db = copied.CreateContext())
        {
            var writer = await SubscriberBatchWriter.LoadAsync(db, new ImportRun(Guid.CreateVersion7(), copied.Settings(), clock), first, firstIds, protector, new(), SubscriberBatchWriter.Saving.Tracked, Ct);
            foreach (var record in first)
                Assert.Null(writer.Apply(record).Rejection);
            writer.PrepareTrackedSave();
            await db.SaveChangesAsync(Ct);
            await using var other = saved.CreateContext();
            foreach (var entry in db.ChangeTracker.Entries())
                other.Add(entry.Entity);
            await other.SaveChangesAsync(Ct);
        }

        // A re-import that changes a name, balances, a device label, a status and a category;
        // on the first line it removes the watch's profile and adds another's, the suspended line changes its phone's
        // profile too, and the third line gets a new password (a full update of its row, and its owner's security stamp); the
        // fourth row changes nothing.
        var (second, secondIds) = Parse(copied, [
            TestData.Row(n, idNumber: owner, password: password, name: "张伟伟", balance: "12.50", profiles: $"{TestData.Iccid(n)}:{TestData.Eid(n)}:primary:iPhone 17|{TestData.Iccid(n + 5)}::companion:Watch Ultra") + ",,,,zh-CN,",
            TestData.Row(n + 2, idNumber: owner, password: password, name: "张伟伟", arrears: "158.00", profiles: $"{TestData.Iccid(n + 6)}:{TestData.Eid(n + 6)}:primary:iPhone 15") + ",,suspended,2026-06-01,zh-CN,",
            TestData.Row(n + 3, password: TestData.HashOf("24681012"), profiles: "") + ",,,,en,",
            TestData.Row(n + 4, password: password) + ",,,,en,",
        ]);
        List<string> stampsBefore;
        await using (var db = copied.CreateContext())
            stampsBefore = await db.Customers.Select(c => c.SecurityStamp).ToListAsync(Ct);
        var run = new ImportRun(Guid.CreateVersion7(), copied.Settings(), clock);
        foreach (var database in new[] { copied, saved })
        {
            await using var db = database.CreateContext();
            var saving = database == copied ? SubscriberBatchWriter.Saving.Bulk : SubscriberBatchWriter.Saving.Tracked;
            var writer = await SubscriberBatchWriter.LoadAsync(db, run, second, secondIds, protector, new(), saving, Ct);
            foreach (var record in second)
                Assert.Null(writer.Apply(record).Rejection);
            Assert.Empty(writer.New.Lines);
            Assert.Empty(writer.New.Customers);
            if (database == copied)
            {
                // Read untracked: nothing for the change tracker to scan.
                Assert.Empty(db.ChangeTracker.Entries());
                await using var transaction = await db.Database.BeginTransactionAsync(Ct);
                await writer.WriteInBulkAsync(Ct);
                // Only the line whose status changed is left to the save, which publishes its product state event.
                Assert.Equal([TestData.Msisdn(n + 2)], db.ChangeTracker.Entries<Line>().Where(e => e.State == EntityState.Modified).Select(e => e.Entity.Msisdn.Value));
                Assert.Equal(1, await db.SaveChangesAsync(Ct));
                await transaction.CommitAsync(Ct);
            }
            else
            {
                // Three lines (the first one's mark only), two customers, two billing accounts, one eSIM profile changed, two
                // removed, two added, and the fourth line remembered by the run instead of written.
                writer.PrepareTrackedSave();
                Assert.Equal(13, await db.SaveChangesAsync(Ct));
            }
        }

        await using var fromCopy = copied.CreateContext();
        await using var fromSave = saved.CreateContext();
        // A new password rotates its owner's security stamp, a random value drawn apart in each database: compared without it,
        // and checked to have moved in the bulk-written one.
        await AssertSameRows<Customer>(fromCopy, fromSave, 3, ignoring: nameof(Customer.SecurityStamp));
        Assert.Single((await fromCopy.Customers.Select(c => c.SecurityStamp).ToListAsync(Ct)).Except(stampsBefore));
        await AssertSameRows<Line>(fromCopy, fromSave, 4);
        // The fourth row changed nothing: neither save wrote its line, both remembered it. The first line changed only
        // through its profiles and its owner, and got the run's mark in both.
        await AssertSameRows<ImportRunLine>(fromCopy, fromSave, 1);
        // The added profile was created apart in each database, so its id differs: compared without ids.
        await AssertSameRows<EsimProfile>(fromCopy, fromSave, 4, withKeys: false);
        await AssertSameRows<BillingAccount>(fromCopy, fromSave, 4);
        await AssertSameRows<PoolNumber>(fromCopy, fromSave, 4);
        Assert.Contains(await fromCopy.Customers.ToListAsync(Ct), c => c.Name == "张伟伟");
    }

    /// <summary>What another writer changes between a bulk batch's read and its write, and what the batch does to that row.</summary>
    public enum Meanwhile
    {
        AccountChanged_WhileTheBatchChangesItsArrears,
        LineChanged_WhileTheBatchRewritesItsRow,
        LineChanged_WhileTheBatchChangesOnlyItsAccount,
        LineChanged_WhileTheBatchChangesItsStatus,
        ProfileRemoved_WhileTheBatchRemovesIt,
    }

    [Theory]
    [InlineData(Meanwhile.AccountChanged_WhileTheBatchChangesItsArrears)]
    [InlineData(Meanwhile.LineChanged_WhileTheBatchRewritesItsRow)]
    [InlineData(Meanwhile.LineChanged_WhileTheBatchChangesOnlyItsAccount)]
    [InlineData(Meanwhile.LineChanged_WhileTheBatchChangesItsStatus)]
    [InlineData(Meanwhile.ProfileRemoved_WhileTheBatchRemovesIt)]
    public async Task Update_WhenAnotherWriterChangedARowSinceItWasRead_ThrowsAndWritesNothing(Meanwhile meanwhile)
    {
        using var database = await TestDatabase.CreateAsync(DatabaseProvider.Postgres, postgres);
        var n = TestData.Next();
        var password = TestData.HashOf(TestData.RowPassword);
        await database.ImportAsync(TestData.Csv(TestData.Header, TestData.Row(n, password: password), TestData.Row(n + 1, password: password)));
        var second = meanwhile switch
        {
            Meanwhile.AccountChanged_WhileTheBatchChangesItsArrears => TestData.Row(n + 1, password: password, arrears: "20.00") + ",,,,,",
            Meanwhile.LineChanged_WhileTheBatchRewritesItsRow => TestData.Row(n + 1, password: TestData.HashOf("24681012")) + ",,,,,",
            Meanwhile.LineChanged_WhileTheBatchChangesOnlyItsAccount => TestData.Row(n + 1, password: password, arrears: "20.00") + ",,,,,",
            Meanwhile.LineChanged_WhileTheBatchChangesItsStatus => TestData.Row(n + 1, password: password) + ",,suspended,2026-06-01,,",
            _ => TestData.Row(n + 1, password: password, profiles: "") + ",,,,,",
        };
        var (records, identities) = Parse(database, [TestData.Row(n, password: password, arrears: "20.00") + ",,,,,", second]);
        var run = new ImportRun(Guid.CreateVersion7(), database.Settings(), TimeProvider.System);

        await using var db = database.CreateContext();
        var writer = await SubscriberBatchWriter.LoadAsync(db, run, records, identities, database.Protector(), new(), SubscriberBatchWriter.Saving.Bulk, Ct);
        foreach (var record in records)
            Assert.Null(writer.Apply(record).Rejection);
        await ChangeAsAnotherWriter(database, meanwhile == Meanwhile.AccountChanged_WhileTheBatchChangesItsArrears
            ? """UPDATE billing_accounts SET "Arrears" = 99, "Version" = "Version" + 1 WHERE "LineId" = (SELECT "Id" FROM lines WHERE "Msisdn" = $1)"""
            : meanwhile == Meanwhile.ProfileRemoved_WhileTheBatchRemovesIt
                ? """DELETE FROM esim_profiles WHERE "LineId" = (SELECT "Id" FROM lines WHERE "Msisdn" = $1)"""
                : """UPDATE lines SET "Version" = "Version" + 1 WHERE "Msisdn" = $1""", TestData.Msisdn(n + 1));

        await using (var transaction = await db.Database.BeginTransactionAsync(Ct))
        {
            await Assert.ThrowsAsync<DbUpdateConcurrencyException>(async () =>
            {
                await writer.WriteInBulkAsync(Ct);
                await db.SaveChangesAsync(Ct); // the status change is checked by the save of the line read again
            });
        }

        // Rolled back: nothing of the batch stands, not even the first row's.
        await using var check = database.CreateContext();
        Assert.DoesNotContain(await check.BillingAccounts.ToListAsync(Ct), a => a.Arrears == 20.00m);
        Assert.DoesNotContain(await check.Lines.ToListAsync(Ct), l => l.ImportRunId == run.Id || l.Status == LineStatus.Suspended);
    }

    [Fact]
    public async Task Reimport_OfARowThatChangesNothing_LeavesItsLineAlone_SoAnotherWritersChangeMeanwhileStands()
    {
        using var database = await TestDatabase.CreateAsync(DatabaseProvider.Postgres, postgres);
        var n = TestData.Next();
        var password = TestData.HashOf(TestData.RowPassword);
        await database.ImportAsync(TestData.Csv(TestData.Header, TestData.Row(n, password: password), TestData.Row(n + 1, password: password)));
        var (records, identities) = Parse(database, [TestData.Row(n, password: password, arrears: "20.00") + ",,,,,", TestData.Row(n + 1, password: password) + ",,,,,"]);
        var run = new ImportRun(Guid.CreateVersion7(), database.Settings(), TimeProvider.System);

        await using var db = database.CreateContext();
        var writer = await SubscriberBatchWriter.LoadAsync(db, run, records, identities, database.Protector(), new(), SubscriberBatchWriter.Saving.Bulk, Ct);
        foreach (var record in records)
            Assert.Null(writer.Apply(record).Rejection);
        // A staff member suspends the second line after the batch read it; the batch has nothing to change on that line.
        await ChangeAsAnotherWriter(database, """UPDATE lines SET "Status" = 'Suspended', "Version" = "Version" + 1 WHERE "Msisdn" = $1""", TestData.Msisdn(n + 1));
        await using (var transaction = await db.Database.BeginTransactionAsync(Ct))
        {
            await writer.WriteInBulkAsync(Ct);
            await db.SaveChangesAsync(Ct);
            await transaction.CommitAsync(Ct);
        }

        await using var check = database.CreateContext();
        var second = await check.Lines.SingleAsync(l => l.Msisdn == Msisdn.Parse(TestData.Msisdn(n + 1)), Ct);
        Assert.Equal(LineStatus.Suspended, second.Status);
        Assert.NotEqual(run.Id, second.ImportRunId);
        // The run remembers that line beside it instead, for a later row with the same number. The first row changed the
        // account of its line, which therefore carries the run's mark (checked against its version, as a write is).
        Assert.Equal([second.Id], await check.ImportRunLines.Where(m => m.RunId == run.Id).Select(m => m.LineId).ToListAsync(Ct));
        Assert.Equal(run.Id, (await check.Lines.SingleAsync(l => l.Id != second.Id, Ct)).ImportRunId);
        Assert.Equal(20.00m, (await check.BillingAccounts.SingleAsync(a => a.LineId != second.Id, Ct)).Arrears);
    }

    [Fact]
    public async Task Reimport_ANumberSeenInAnEarlierBatchOfTheSameFile_IsADuplicate_EvenWhenItsFirstRowChangedNothing()
    {
        using var database = await TestDatabase.CreateAsync(DatabaseProvider.Postgres, postgres);
        var n = TestData.Next();
        var password = TestData.HashOf(TestData.RowPassword);
        await database.ImportAsync(TestData.Csv(TestData.Header, TestData.Row(n, password: password)));

        // The unchanged row, a full batch of new lines after it, then the same number again in the next batch: only the line
        // the first batch remembered in import_run_lines tells the second that the number came earlier in the file.
        var filler = Enumerable.Range(1, SubscriberImporter.BatchSize).Select(i => TestData.Row(n + 10 + i, password: password));
        var summary = await database.ImportAsync(TestData.Csv([TestData.Header, TestData.Row(n, password: password), .. filler, TestData.Row(n, password: password, arrears: "20.00")]));

        Assert.Equal(SubscriberImporter.BatchSize + 1, summary.Imported);
        var rejection = Assert.Single(summary.Rejected);
        Assert.Equal((SubscriberImporter.BatchSize + 3, "duplicate_msisdn"), (rejection.Row, rejection.Code));
        await using var db = database.CreateContext();
        Assert.DoesNotContain(await db.BillingAccounts.ToListAsync(Ct), a => a.Arrears == 20.00m);
    }

    [Fact]
    public async Task Reimport_WhenAnotherWriterChangesARowMeanwhile_RedoesTheBatchRowByRow_OverTheOtherWritersChange()
    {
        using var database = await TestDatabase.CreateAsync(DatabaseProvider.Postgres, postgres);
        var n = TestData.Next();
        var password = TestData.HashOf(TestData.RowPassword);
        var rows = new[] { n, n + 1, n + 2 };
        await database.ImportAsync(TestData.Csv([TestData.Header, .. rows.Select(i => TestData.Row(i, password: password))]));
        int version;
        await using (var before = database.CreateContext())
            version = (await before.BillingAccounts.FirstAsync(Ct)).Version;
        // Another writer changes the second row's account after the batch has read it and before its UPDATE.
        var concurrent = new ConcurrentWriter(() => BumpVersionOfAccount(database, TestData.Msisdn(n + 1)));
        var importer = ImportFixture.Importer(database, interceptors: [concurrent, new LastCall.Auditing.UnauditedChangeRefusal()]);

        var summary = await importer.ImportAsync(TestData.Csv([TestData.Header, .. rows.Select(i => TestData.Row(i, password: password, arrears: "20.00"))]), cancellationToken: Ct);

        Assert.True(concurrent.Wrote);
        Assert.Equal((3, 0), (summary.Imported, summary.RejectedCount));
        await using var db = database.CreateContext();
        var accounts = await db.BillingAccounts.ToListAsync(Ct);
        Assert.All(accounts, a => Assert.Equal(20.00m, a.Arrears));
        // The other writer's change was seen and the row saved over it (two versions on), not silently overwritten (one on).
        Assert.Equal([version + 1, version + 1, version + 2], accounts.Select(a => a.Version).Order());
    }

    [Fact]
    public async Task Reimport_WritesOnlyWhatChanged_AndALineWhoseStatusChangedPublishesItsProductEvent()
    {
        using var database = await TestDatabase.CreateAsync(DatabaseProvider.Postgres, postgres);
        var n = TestData.Next();
        var password = TestData.HashOf(TestData.RowPassword);
        var rows = new[] { n, n + 1, n + 2 };
        Assert.Equal(0, (await ImportWithTheVerbAsync(database, [.. rows.Select(i => TestData.Row(i, password: password) + ",,,,,")])).ExitCode);
        await using (var setup = database.CreateContext())
        {
            var listener = Partner.Register("CRM", DateTimeOffset.UtcNow, ["bss"]).Value;
            setup.Partners.Add(listener);
            setup.EventHubs.Add(EventHub.Register(listener.Id, null, DateTimeOffset.UtcNow).Value);
            await setup.SaveChangesAsync(Ct);
        }
        var before = await VersionsAsync(database);

        // The first row as it was (and again, a duplicate), the second with new arrears, the third suspended.
        var reimport = await ImportWithTheVerbAsync(database, [
            TestData.Row(n, password: password) + ",,,,,",
            TestData.Row(n, password: password) + ",,,,,",
            TestData.Row(n + 1, password: password, arrears: "20.00") + ",,,,,",
            TestData.Row(n + 2, password: password) + ",,suspended,2026-06-01,,",
        ]);

        Assert.Equal(3, reimport.ExitCode); // some rows rejected
        Assert.Contains("imported 3, rejected 1", reimport.Output, StringComparison.Ordinal);
        Assert.Contains("duplicate_msisdn", reimport.Output + reimport.Error, StringComparison.Ordinal);
        var after = await VersionsAsync(database);
        // The unchanged row's line was not written; the line whose account changed carries the run's mark (one version on),
        // the suspended one its new status; no customer, pool number or unchanged account was written, and the run's
        // bookkeeping of the line it left alone is gone with it.
        Assert.Equal(before.Lines[TestData.Msisdn(n)], after.Lines[TestData.Msisdn(n)]);
        Assert.Equal(before.Lines[TestData.Msisdn(n + 1)] + 1, after.Lines[TestData.Msisdn(n + 1)]);
        Assert.Equal(before.Lines[TestData.Msisdn(n + 2)] + 1, after.Lines[TestData.Msisdn(n + 2)]);
        Assert.Equal(before.Accounts[TestData.Msisdn(n)], after.Accounts[TestData.Msisdn(n)]);
        Assert.Equal(before.Accounts[TestData.Msisdn(n + 1)] + 1, after.Accounts[TestData.Msisdn(n + 1)]);
        Assert.Equal(before.Others, after.Others);
        await using var db = database.CreateContext();
        Assert.Equal(2, await db.Lines.Select(l => l.ImportRunId).Distinct().CountAsync(Ct));
        Assert.Empty(await db.ImportRunLines.ToListAsync(Ct));
        Assert.Equal(LineStatus.Suspended, (await db.Lines.SingleAsync(l => l.Msisdn == Msisdn.Parse(TestData.Msisdn(n + 2)), Ct)).Status);
        var events = await db.WebhookDeliveries.Where(d => d.EventType == EventHub.ProductStateChangeEvent).ToListAsync(Ct);
        var published = Assert.Single(events);
        Assert.Contains("\"suspended\"", published.Body, StringComparison.Ordinal);
    }

    /// <summary>Runs <c>lastcall import subscribers</c> (the host's own wiring: audit guard, product state events) on the rows.</summary>
    private static async Task<LastCallProcess.Result> ImportWithTheVerbAsync(TestDatabase database, string[] rows)
    {
        var file = Path.Combine(database.DataFolder, $"import-{Guid.NewGuid():N}.csv");
        await File.WriteAllTextAsync(file, string.Join('\n', [TestData.HeaderWithStatus, .. rows]) + "\n", Ct);
        return await database.RunCommandAsync("import", "subscribers", file);
    }

    /// <summary>The versions of every line and billing account by number, and those of the customers and pool numbers together.</summary>
    private static async Task<(Dictionary<string, int> Lines, Dictionary<string, int> Accounts, string Others)> VersionsAsync(TestDatabase database)
    {
        await using var db = database.CreateContext();
        var lines = await db.Lines.ToListAsync(Ct);
        var accounts = await db.BillingAccounts.ToListAsync(Ct);
        var customers = await db.Customers.OrderBy(c => c.Id).Select(c => c.Version).ToListAsync(Ct);
        var pool = await db.PoolNumbers.OrderBy(p => p.Msisdn).Select(p => p.Version).ToListAsync(Ct);
        return (lines.ToDictionary(l => l.Msisdn.Value, l => l.Version),
            accounts.ToDictionary(a => lines.Single(l => l.Id == a.LineId).Msisdn.Value, a => a.Version),
            string.Join(",", customers) + "/" + string.Join(",", pool));
    }

    /// <summary>Another writer's change to a line's billing account: its arrears and its version.</summary>
    private static Task BumpVersionOfAccount(TestDatabase database, string msisdn) => ChangeAsAnotherWriter(database,
        """UPDATE billing_accounts SET "Arrears" = 99, "Version" = "Version" + 1 WHERE "LineId" = (SELECT "Id" FROM lines WHERE "Msisdn" = $1)""", msisdn);

    /// <summary>Another writer's statement on the rows of one number (<c>$1</c>), committed at once; it must touch a row.</summary>
    private static async Task ChangeAsAnotherWriter(TestDatabase database, string sql, string msisdn)
    {
        await using var connection = new NpgsqlConnection(database.ConnectionString);
        await connection.OpenAsync(Ct);
        await using var update = new NpgsqlCommand(sql, connection);
        update.Parameters.AddWithValue(msisdn);
        Assert.Equal(1, await update.ExecuteNonQueryAsync(Ct));
    }

    /// <summary>Runs a write of its own once, when the first transaction of the context it is attached to begins.</summary>
    private sealed class ConcurrentWriter(Func<Task> write) : Microsoft.EntityFrameworkCore.Diagnostics.DbTransactionInterceptor
    {
        private int _wrote;

        public bool Wrote => _wrote == 1;

        public override async ValueTask<System.Data.Common.DbTransaction> TransactionStartedAsync(System.Data.Common.DbConnection connection,
            Microsoft.EntityFrameworkCore.Diagnostics.TransactionEndEventData eventData, System.Data.Common.DbTransaction result, CancellationToken cancellationToken = default)
        {
            if (Interlocked.Exchange(ref _wrote, 1) == 0)
                await write();
            return result;
        }
    }

    [Fact]
    public async Task Copy_RefusesToRunOutsideATransaction()
    {
        using var database = await TestDatabase.CreateAsync(DatabaseProvider.Postgres, postgres);
        await using var db = database.CreateContext();
        await Assert.ThrowsAsync<InvalidOperationException>(() => BulkInsert.CopyAsync(db, new List<PoolNumber> { PoolNumber.NewlyAssigned(Msisdn.Parse(TestData.Msisdn(TestData.Next())), DateTimeOffset.UtcNow) }, Ct));
        await Assert.ThrowsAsync<InvalidOperationException>(() => BulkInsert.UpdateAsync(db, new ReadRows<PoolNumber>(db), [PoolNumber.NewlyAssigned(Msisdn.Parse(TestData.Msisdn(TestData.Next())), DateTimeOffset.UtcNow)], Ct));
    }

    private static (List<SubscriberRecord>, Dictionary<int, ProtectedIdNumber>) Parse(TestDatabase database, string[] rows)
    {
        var format = SubscriberCsvFormat.FromHeader(TestData.HeaderWithStatus.Split(','), DateOnly.FromDateTime(DateTime.UtcNow)).Value;
        var records = rows.Select((row, i) => format.Parse(i + 2, row.Split(',')).Value).ToList();
        var protector = database.Protector();
        return (records, records.ToDictionary(r => r.Row, r => protector.Protect(r.Id)));
    }

    /// <summary>Every mapped property of every row, as EF reads it back, in key order; store-generated keys are compared by count only.</summary>
    private static async Task AssertSameRows<T>(AppDbContext copied, AppDbContext saved, int expected, bool withKeys = true, string? ignoring = null)
        where T : class
    {
        var fromCopy = await Snapshot<T>(copied, withKeys, ignoring);
        var fromSave = await Snapshot<T>(saved, withKeys, ignoring);
        Assert.Equal(expected, fromSave.Count);
        Assert.Equal(fromSave, fromCopy);
    }

    private static async Task<List<string>> Snapshot<T>(AppDbContext db, bool withKeys, string? ignoring)
        where T : class
    {
        var rows = await db.Set<T>().ToListAsync(Ct);
        return [.. rows.Select(row => string.Join(" | ", db.Entry(row).Properties
                .Where(p => p.Metadata.Name != ignoring)
                .Where(p => !(p.Metadata.IsPrimaryKey() && (!withKeys || p.Metadata.ValueGenerated != Microsoft.EntityFrameworkCore.Metadata.ValueGenerated.Never)))
                .Select(p => $"{p.Metadata.Name}={Format(p.CurrentValue)}")))
            .Order(StringComparer.Ordinal)];
    }

    private static string Format(object? value) => value switch
    {
        null => "<null>",
        DateTimeOffset instant => instant.UtcTicks.ToString(CultureInfo.InvariantCulture),
        IFormattable formattable => formattable.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };
}
