using LastCall.Domain.Billing;
using LastCall.Domain.Customers;
using LastCall.Domain.Lines;

namespace LastCall.Domain.Cancellations;

/// <summary>
/// What keeps a line from the alternatives to cancellation: suspension with number retention and
/// transfer of ownership. Each returns every reason at once, as codes shared with eligibility.
/// </summary>
public static class Alternatives
{
    public const string LineNotActive = "line_not_active";
    public const string BundleMember = "bundle_member";

    public static IReadOnlyList<string> SuspensionBlockers(Line line, Customer owner, BillingAccount? account)
    {
        var reasons = Common(line, owner, account);
        if (line.Status != LineStatus.Active)
            reasons.Insert(0, LineNotActive);
        return reasons;
    }

    public static IReadOnlyList<string> TransferBlockers(Line line, Customer owner, BillingAccount? account)
    {
        var reasons = Common(line, owner, account);
        if (line.Status is not (LineStatus.Active or LineStatus.Suspended))
            reasons.Insert(0, LineNotActive);
        if (line.BundleRole == BundleRole.Primary)
            reasons.Add(EligibilityCodes.BundlePrimary);
        if (line.BundleRole == BundleRole.Member)
            reasons.Add(BundleMember);
        return reasons;
    }

    private static List<string> Common(Line line, Customer owner, BillingAccount? account)
    {
        var reasons = new List<string>();
        if (account is { Arrears: > 0 })
            reasons.Add(EligibilityCodes.Arrears);
        if (line.PortState == PortState.PortInPending)
            reasons.Add(EligibilityCodes.PortInProgress);
        if (line.FraudHold)
            reasons.Add(EligibilityCodes.FraudHold);
        if (owner.AccountLocked)
            reasons.Add(EligibilityCodes.AccountLocked);
        return reasons;
    }
}

/// <summary>
/// An alternative to cancelling as offered to the customer: <c>kind</c> is <c>suspension</c> or <c>transfer</c>,
/// <c>blockedBy</c> lists what stands in its way, with its cost.
/// </summary>
public sealed record AlternativeOffer(string Kind, bool Available, IReadOnlyList<string> BlockedBy, decimal? MonthlyFee, int? MaxMonths, decimal? Fee, string Currency);
