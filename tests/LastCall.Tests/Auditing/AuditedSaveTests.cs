using LastCall.Auditing;
using LastCall.Data;
using LastCall.Domain.Audit;
using LastCall.Domain.Identity;
using LastCall.TestSupport;
using Microsoft.EntityFrameworkCore;

namespace LastCall.Tests.Auditing;

/// <summary>
/// The audited save is a mechanism (<see cref="UnauditedChangeRefusal"/>, on every context the host makes): a save that
/// changes an aggregate without an audit event is refused before anything is written; with an event it goes through;
/// bookkeeping alone (a version, a throttle's counters) needs none.
/// </summary>
public sealed class AuditedSaveTests(PostgresCluster postgres)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task ChangingAnAggregateWithoutAnAuditEvent_IsRefused_AndWritesNothing(DatabaseProvider provider)
    {
        using var database = await TestDatabase.CreateAsync(provider, postgres);
        var now = DateTimeOffset.UtcNow;
        var guard = new UnauditedChangeRefusal();

        await using (var db = database.CreateContext(guard))
        {
            db.StaffMembers.Add(StaffMember.Create("quiet", [StaffRoles.Reviewer], null, "hash", now).Value);
            var refused = await Assert.ThrowsAsync<UnauditedChangeException>(() => db.SaveChangesAsync(Ct));
            Assert.Contains("StaffMember (Added)", refused.Message, StringComparison.Ordinal);
        }
        await using (var db = database.CreateContext())
            Assert.False(await db.StaffMembers.AnyAsync(s => s.Username == "quiet", Ct));

        await using (var db = database.CreateContext(guard))
        {
            db.StaffMembers.Add(StaffMember.Create("heard", [StaffRoles.Reviewer], null, "hash", now).Value);
            db.AuditEvents.Add(AuditEvent.Create(Actor.System("test"), "staff.created", "heard", null, null, now));
            await db.SaveChangesAsync(Ct);
        }

        await using (var db = database.CreateContext(guard))
        {
            var staff = await db.StaffMembers.SingleAsync(s => s.Username == "heard", Ct);
            // Bookkeeping alone goes through without an event: the version, and a whole bookkeeping aggregate.
            staff.IncrementVersion();
            db.SignInThrottles.Add(SignInThrottle.For("test:1", now));
            await db.SaveChangesAsync(Ct);

            // A change of state does not, and the rejected save leaves the row as it was.
            Assert.True(staff.Deactivate().IsSuccess);
            await Assert.ThrowsAsync<UnauditedChangeException>(() => db.SaveChangesAsync(Ct));
        }
        await using (var db = database.CreateContext())
            Assert.True((await db.StaffMembers.SingleAsync(s => s.Username == "heard", Ct)).Active);
    }
}
