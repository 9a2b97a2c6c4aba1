using LastCall.Data;
using LastCall.Domain.Billing;
using LastCall.Domain.Common;
using LastCall.Domain.Customers;
using LastCall.Domain.Lines;
using LastCall.Domain.Numbers;
using LastCall.TestSupport;
using Microsoft.EntityFrameworkCore;

namespace LastCall.Tests.Data;

/// <summary>The same cases on SQLite and PostgreSQL: what goes in comes back, and the constraints hold.</summary>
public sealed class PersistenceTests(PostgresCluster postgres)
{
    private static readonly DateTimeOffset Now = new(2026, 11, 25, 8, 30, 15, 123, TimeSpan.Zero);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task Aggregates_RoundTrip_WithValueObjectsEnumsDatesAndMoney(DatabaseProvider provider)
    {
        using var database = await TestDatabase.CreateAsync(provider, postgres);
        var n = TestData.Next();
        var (customer, line) = NewSubscriber(database, n);
        line.SetProfiles([
            new ProfileSpec(Iccid.Parse(TestData.Iccid(n)), Eid.Parse(TestData.Eid(n)), ProfileRole.Primary, "Huawei Mate 70"),
            new ProfileSpec(Iccid.Parse(TestData.Iccid(n + 1)), null, ProfileRole.Companion, "Huawei Watch 5", ProfileState.Released),
        ]);
        line.Suspend(Now.AddMinutes(5));
        var account = BillingAccount.Open(line.Id, "CNY", 35.80m, 0m).Value;
        var number = PoolNumber.NewlyAssigned(line.Msisdn, Now);
        var entry = Disconnection.Record(Msisdn.Parse(TestData.Msisdn(n + 2)), new DateOnly(2026, 10, 2), DisconnectionSource.Cancellation, Now).Value;

        await using (var db = database.CreateContext())
        {
            db.AddRange(customer, line, account, number, entry);
            await db.SaveChangesAsync(Ct);
        }

        await using var read = database.CreateContext();
        var loadedLine = await read.Lines.SingleAsync(l => l.Msisdn == line.Msisdn, Ct);
        Assert.Equal(LineStatus.Suspended, loadedLine.Status);
        Assert.Equal(Now.AddMinutes(5), loadedLine.StatusChangedAt);
        Assert.Equal(new DateOnly(2019, 5, 1), loadedLine.ActivatedOn);
        Assert.Equal(new DateOnly(2027, 6, 30), loadedLine.ContractEndsOn);
        Assert.Equal(BundleRole.Member, loadedLine.BundleRole);
        Assert.Equal(Msisdn.Parse("+8613800000001"), loadedLine.BundlePrimary);
        Assert.Equal(PortState.PortInPending, loadedLine.PortState);
        Assert.Equal(2, loadedLine.Profiles.Count);
        var watch = loadedLine.Profiles.Single(p => p.Role == ProfileRole.Companion);
        Assert.Null(watch.Eid);
        Assert.Equal(ProfileState.Released, watch.State);
        Assert.Equal(TestData.Eid(n), loadedLine.Profiles.Single(p => p.Role == ProfileRole.Primary).Eid!.Value);

        var loadedCustomer = await read.Customers.SingleAsync(c => c.Id == customer.Id, Ct);
        Assert.Equal("欧阳娜娜", loadedCustomer.Name);
        Assert.Equal(IdType.ResidentId, loadedCustomer.IdType);
        Assert.Equal(customer.IdNumber, loadedCustomer.IdNumber);
        Assert.Equal(Now, loadedCustomer.CreatedAt);

        var loadedAccount = await read.BillingAccounts.SingleAsync(a => a.LineId == line.Id, Ct);
        Assert.Equal(new Money(35.80m, "CNY"), loadedAccount.BalanceMoney);
        Assert.Equal(NumberState.Assigned, (await read.PoolNumbers.SingleAsync(p => p.Msisdn == line.Msisdn, Ct)).State);
        var loadedEntry = await read.Disconnections.SingleAsync(d => d.Msisdn == entry.Msisdn, Ct);
        Assert.Equal(new DateOnly(2026, 10, 2), loadedEntry.DisconnectedOn);
        Assert.True(loadedEntry.Id > 0);
    }

    [Theory]
    [MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task ConcurrentEdits_SecondSaveFails_WithConcurrencyException(DatabaseProvider provider)
    {
        using var database = await TestDatabase.CreateAsync(provider, postgres);
        var (customer, line) = NewSubscriber(database, TestData.Next());
        await using (var db = database.CreateContext())
        {
            db.AddRange(customer, line);
            await db.SaveChangesAsync(Ct);
        }

        await using var first = database.CreateContext();
        await using var second = database.CreateContext();
        var a = await first.Lines.SingleAsync(l => l.Id == line.Id, Ct);
        var b = await second.Lines.SingleAsync(l => l.Id == line.Id, Ct);
        Assert.True(a.Suspend(Now).IsSuccess);
        Assert.True(b.BeginCancellation(Now).IsSuccess);
        await first.SaveChangesAsync(Ct);

        await Assert.ThrowsAsync<DbUpdateConcurrencyException>(() => second.SaveChangesAsync(Ct));
        await using var read = database.CreateContext();
        var stored = await read.Lines.SingleAsync(l => l.Id == line.Id, Ct);
        Assert.Equal(LineStatus.Suspended, stored.Status);
        Assert.Equal(1, stored.Version);
    }

    [Theory]
    [MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task TwoLiveLinesWithOneNumber_AreRefused_ButHistoryIsKept(DatabaseProvider provider)
    {
        using var database = await TestDatabase.CreateAsync(provider, postgres);
        var n = TestData.Next();
        var (customer, line) = NewSubscriber(database, n);
        line.BeginCancellation(Now);
        line.CompleteCancellation(Now);
        var (_, successor) = NewSubscriber(database, n, customer.Id);
        await using (var db = database.CreateContext())
        {
            db.AddRange(customer, line, successor);
            await db.SaveChangesAsync(Ct);
        }

        var (_, intruder) = NewSubscriber(database, n, customer.Id);
        await using var conflict = database.CreateContext();
        conflict.Add(intruder);
        await Assert.ThrowsAsync<DbUpdateException>(() => conflict.SaveChangesAsync(Ct));
        await using var read = database.CreateContext();
        Assert.Equal(2, await read.Lines.CountAsync(l => l.Msisdn == line.Msisdn, Ct));
    }

    [Theory]
    [MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task SameIccidOnTwoLines_IsRefused(DatabaseProvider provider)
    {
        using var database = await TestDatabase.CreateAsync(provider, postgres);
        var n = TestData.Next();
        var (customer, first) = NewSubscriber(database, n);
        var (_, second) = NewSubscriber(database, n + 1, customer.Id);
        var iccid = Iccid.Parse(TestData.Iccid(n));
        first.SetProfiles([new ProfileSpec(iccid, null, ProfileRole.Primary, "Phone")]);
        second.SetProfiles([new ProfileSpec(iccid, null, ProfileRole.Primary, "Phone")]);
        await using var db = database.CreateContext();
        db.AddRange(customer, first, second);

        await Assert.ThrowsAsync<DbUpdateException>(() => db.SaveChangesAsync(Ct));
    }

    [Theory]
    [MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task SameIdDocumentTwice_IsRefusedByBlindIndex(DatabaseProvider provider)
    {
        using var database = await TestDatabase.CreateAsync(provider, postgres);
        var n = TestData.Next();
        var (first, _) = NewSubscriber(database, n);
        var (second, _) = NewSubscriber(database, n);
        Assert.Equal(first.IdNumberBlindIndex, second.IdNumberBlindIndex);
        Assert.NotEqual(first.IdNumberCiphertext, second.IdNumberCiphertext);
        await using var db = database.CreateContext();
        db.AddRange(first, second);

        await Assert.ThrowsAsync<DbUpdateException>(() => db.SaveChangesAsync(Ct));
    }

    [Theory]
    [MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task Register_KeepsEveryDisconnectionOncePerDay_InOrder(DatabaseProvider provider)
    {
        using var database = await TestDatabase.CreateAsync(provider, postgres);
        var number = Msisdn.Parse(TestData.Msisdn(TestData.Next()));
        await using (var db = database.CreateContext())
        {
            db.Disconnections.Add(Disconnection.Record(number, new DateOnly(2019, 1, 5), DisconnectionSource.Import, Now).Value);
            await db.SaveChangesAsync(Ct);
            db.Disconnections.Add(Disconnection.Record(number, new DateOnly(2026, 3, 1), DisconnectionSource.Cancellation, Now).Value);
            await db.SaveChangesAsync(Ct);
        }
        await using (var duplicate = database.CreateContext())
        {
            duplicate.Disconnections.Add(Disconnection.Record(number, new DateOnly(2026, 3, 1), DisconnectionSource.Cancellation, Now).Value);
            await Assert.ThrowsAsync<DbUpdateException>(() => duplicate.SaveChangesAsync(Ct));
        }

        await using var read = database.CreateContext();
        var entries = await read.Disconnections.Where(d => d.Msisdn == number).OrderBy(d => d.Id).ToListAsync(Ct);
        Assert.Equal([new DateOnly(2019, 1, 5), new DateOnly(2026, 3, 1)], entries.Select(e => e.DisconnectedOn));
    }

    [Theory]
    [MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task QuarantinedNumbers_AreFoundByTheirDate(DatabaseProvider provider)
    {
        using var database = await TestDatabase.CreateAsync(provider, postgres);
        var n = TestData.Next();
        var due = PoolNumber.NewlyAssigned(Msisdn.Parse(TestData.Msisdn(n)), Now);
        var notYet = PoolNumber.NewlyAssigned(Msisdn.Parse(TestData.Msisdn(n + 1)), Now);
        due.Quarantine(new DateOnly(2026, 8, 1), QuarantinePolicy.Default, Now);
        notYet.Quarantine(new DateOnly(2026, 11, 1), QuarantinePolicy.Default, Now);
        await using (var db = database.CreateContext())
        {
            db.AddRange(due, notYet);
            await db.SaveChangesAsync(Ct);
        }

        await using var read = database.CreateContext();
        var today = new DateOnly(2026, 11, 25);
        var ready = await read.PoolNumbers.Where(p => p.State == NumberState.Quarantined && p.QuarantinedUntil <= today).ToListAsync(Ct);

        Assert.Equal(due.Msisdn, Assert.Single(ready).Msisdn);
    }

    private static (Customer Customer, Line Line) NewSubscriber(TestDatabase database, int n, Guid? existingCustomer = null)
    {
        var id = IdDocument.Create(IdType.ResidentId, TestData.ResidentId(n)).Value;
        var customer = Customer.Register("欧阳娜娜", IdType.ResidentId, database.Protector().Protect(id), "zh-CN", null, Now).Value;
        var details = new LineDetails(Msisdn.Parse(TestData.Msisdn(n)), "5G畅享 129元", new DateOnly(2019, 5, 1), new DateOnly(2027, 6, 30),
            BundleRole.Member, Msisdn.Parse("+8613800000001"), PortState.PortInPending, FraudHold: false);
        var line = Line.Create(details, existingCustomer ?? customer.Id, "pbkdf2-sha256$600000$c2FsdA==$aGFzaA==", Now).Value;
        return (customer, line);
    }
}
