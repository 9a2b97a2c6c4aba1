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

    public async Task<Facts> EvaluateAsync(Line line, CancellationToken ct, bool? identityMatches = null, bool earlyExitFeeAccepted = false)
    {
        var owner = await db.Customers.FindAsync([line.CustomerId], ct) ?? throw new InvalidOperationException($"Line {line.Id} has no owner.");
        var account = await db.BillingAccounts.FirstOrDefaultAsync(a => a.LineId == line.Id, ct);
        var members = line.BundleRole == BundleRole.Primary
            ? await db.Lines.AsNoTracking().Where(Line.Live).Where(l => l.BundlePrimary == line.Msisdn).ToListAsync(ct)
            : [];
        var suspension = await db.Suspensions.FirstOrDefaultAsync(s => s.LineId == line.Id && s.EndedAt == null, ct);
        var now = clock.GetUtcNow();
        var result = Eligibility.Evaluate(line, owner, account, members, policies.Eligibility, now, identityMatches, earlyExitFeeAccepted, policies.Today(now));
        if (suspension?.ExpiredAt is not null)
        {
            var since = suspension.StartedOn.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
            result = result with { Warnings = [.. result.Warnings, new Finding(EligibilityCodes.SuspensionExpired, new Dictionary<string, string> { ["since"] = since })] };
        }
        return new Facts(line, owner, account, suspension, result);
    }
}
