using LastCall.Data;
using LastCall.Domain.Billing;
using LastCall.Domain.Cancellations;
using LastCall.Domain.Customers;
using LastCall.Domain.Lines;
using LastCall.Domain.Suspensions;
using LastCall.Hosting;
using Microsoft.EntityFrameworkCore;

namespace LastCall.Features.Cancellations;

/// <summary>
/// Loads everything eligibility depends on for one line (owner, billing account, live bundle members,
/// a running suspension) and evaluates it with the configured policy. Precheck, submission,
/// suspension and transfer all ask through here, so they can never disagree.
/// </summary>
public sealed class EligibilityCheck(AppDbContext db, PolicySettings policies, TimeProvider clock)
{
    public sealed record Facts(Line Line, Customer Owner, BillingAccount? Account, Suspension? Suspension, EligibilityResult Result);

    /// <summary>What eligibility depends on besides the line, loaded and tracked.</summary>
    public sealed record Loaded(Line Line, Customer Owner, BillingAccount? Account, Suspension? Suspension, List<Line> Members);

    public async Task<Facts> EvaluateAsync(Line line, CancellationToken ct, bool? identityMatches = null, bool earlyExitFeeAccepted = false) =>
        Evaluate(await LoadAsync(line, ct), identityMatches, earlyExitFeeAccepted);

    /// <summary>
    /// Loads the owner, the billing account and a running suspension with one query (tracked, so later lookups find
    /// them in the context), and the live bundle members of a primary line.
    /// </summary>
    public async Task<Loaded> LoadAsync(Line line, CancellationToken ct)
    {
        var loaded = await OwnerAccountAndSuspension.For(db)(db, line.CustomerId, line.Id, ct)
            ?? throw new InvalidOperationException($"Line {line.Id} has no owner.");
        var members = line.BundleRole == BundleRole.Primary
            ? await db.Lines.AsNoTracking().Where(Line.Live).Where(l => l.BundlePrimary == line.Msisdn).ToListAsync(ct)
            : [];
        return new Loaded(line, loaded.Owner, loaded.Account, loaded.Suspension, members);
    }

    private sealed record OwnerAccountSuspension(Customer Owner, BillingAccount? Account, Suspension? Suspension);

    // Compiled: every precheck and submission asks it. Left joins on subqueries that do not refer to the owner, which
    // SQLite translates too (it has no APPLY).
    private static readonly CompiledQuery<Func<AppDbContext, Guid, Guid, CancellationToken, Task<OwnerAccountSuspension?>>> OwnerAccountAndSuspension = new(() =>
        EF.CompileAsyncQuery((AppDbContext db, Guid customerId, Guid lineId, CancellationToken ct) => (
            from owner in db.Customers.Where(c => c.Id == customerId)
            from account in db.BillingAccounts.Where(a => a.LineId == lineId).DefaultIfEmpty()
            from suspension in db.Suspensions.Where(s => s.LineId == lineId && s.EndedAt == null).DefaultIfEmpty()
            select new OwnerAccountSuspension(owner, account, suspension)).FirstOrDefault()));

    public Facts Evaluate(Loaded loaded, bool? identityMatches = null, bool earlyExitFeeAccepted = false)
    {
        var (line, owner, account, suspension) = (loaded.Line, loaded.Owner, loaded.Account, loaded.Suspension);
        var now = clock.GetUtcNow();
        var result = Eligibility.Evaluate(line, owner, account, loaded.Members, policies.Eligibility, now, identityMatches, earlyExitFeeAccepted, policies.Today(now));
        if (suspension?.ExpiredAt is not null)
        {
            var since = suspension.StartedOn.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
            result = result with { Warnings = [.. result.Warnings, new Finding(EligibilityCodes.SuspensionExpired, new Dictionary<string, string> { ["since"] = since })] };
        }
        return new Facts(line, owner, account, suspension, result);
    }
}
