using LastCall.Domain.Billing;
using LastCall.Domain.Customers;
using LastCall.Domain.Lines;

namespace LastCall.Domain.Cancellations;

/// <summary>
/// A reason a line cannot be cancelled (blocker) or something the customer must know first (warning).
/// <see cref="Facts"/> carries what the message needs: amounts, dates, member numbers.
/// </summary>
public sealed record Finding(string Code, IReadOnlyDictionary<string, string> Facts);

public sealed record EligibilityResult(IReadOnlyList<Finding> Blockers, IReadOnlyList<Finding> Warnings)
{
    public bool Eligible => Blockers.Count == 0;

    /// <summary>What ending the running contract early costs (whole months left × the policy's monthly fee); 0 without one.</summary>
    public decimal EarlyExitFee { get; init; }

    /// <summary>Warnings that send even an in-person request to manual review.</summary>
    public bool ForcesReview => Warnings.Any(w => EligibilityCodes.ForceReview.Contains(w.Code));
}

public static class EligibilityCodes
{
    public const string Arrears = "arrears";
    public const string ContractCommitment = "contract_commitment";
    public const string BundlePrimary = "bundle_primary";
    public const string PortInProgress = "port_in_progress";
    public const string FraudHold = "fraud_hold";
    public const string AccountLocked = "account_locked";
    public const string RealNameMismatch = "real_name_mismatch";
    public const string NotCancellable = "line_not_cancellable";
    public const string CancellationPending = "cancellation_pending";

    public const string CompanionDevices = "companion_devices";
    public const string PrepaidBalance = "prepaid_balance";
    public const string RecentSimChange = "recent_sim_change";
    public const string RecentOwnershipChange = "recent_ownership_change";
    public const string RecentPasswordReset = "recent_password_reset";
    public const string RecentFraudHold = "recent_fraud_hold";
    public const string SuspensionExpired = "suspension_expired";

    /// <summary>Warnings that send even an in-person request to manual review (risk rules).</summary>
    public static readonly IReadOnlySet<string> ForceReview = new HashSet<string>(StringComparer.Ordinal)
    {
        RecentSimChange, RecentOwnershipChange, RecentPasswordReset, RecentFraudHold,
    };
}

/// <summary>The policy values eligibility depends on.</summary>
public sealed record EligibilityPolicy(bool AllowEarlyContractExit, decimal EarlyExitFeePerMonth)
{
    public static readonly TimeSpan RecentSimChangeWindow = TimeSpan.FromDays(30);
    public static readonly TimeSpan RecentOwnershipChangeWindow = TimeSpan.FromDays(30);
    public static readonly TimeSpan RecentPasswordResetWindow = TimeSpan.FromDays(7);
    public static readonly TimeSpan RecentFraudHoldWindow = TimeSpan.FromDays(30);
}

/// <summary>
/// Decides whether a line may be cancelled now. Returns every blocker at once, never only the first,
/// so the customer can fix everything in one go.
/// </summary>
public static class Eligibility
{
    public static EligibilityResult Evaluate(
        Line line,
        Customer owner,
        BillingAccount? account,
        IReadOnlyList<Line> bundleMembers,
        EligibilityPolicy policy,
        DateTimeOffset now,
        bool? identityDocumentMatches = null,
        bool earlyExitFeeAccepted = false,
        DateOnly? today = null)
    {
        // The calendar day in the operator's time zone decides whether a contract has ended; the UTC
        // date is only a fallback (in Beijing it is still yesterday until 08:00).
        var day = today ?? DateOnly.FromDateTime(now.UtcDateTime);
        var blockers = new List<Finding>();
        var warnings = new List<Finding>();
        var earlyExitFee = 0m;

        if (line.Status == LineStatus.PendingCancellation)
            blockers.Add(Find(EligibilityCodes.CancellationPending));
        else if (line.Status is not (LineStatus.Active or LineStatus.Suspended))
            blockers.Add(Find(EligibilityCodes.NotCancellable, ("status", line.Status.ToString())));
        if (account is { Arrears: > 0 })
            blockers.Add(Find(EligibilityCodes.Arrears, ("amount", Amount(account.Arrears)), ("currency", account.Currency)));
        if (line.ContractEndsOn is { } end && end > day)
        {
            var months = MonthsLeft(day, end);
            var fee = months * policy.EarlyExitFeePerMonth;
            earlyExitFee = fee;
            if (!(policy.AllowEarlyContractExit && earlyExitFeeAccepted))
            {
                blockers.Add(Find(EligibilityCodes.ContractCommitment,
                    ("endsOn", end.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture)),
                    ("earlyExitAllowed", policy.AllowEarlyContractExit ? "true" : "false"),
                    ("earlyExitFee", Amount(fee)),
                    ("currency", account?.Currency ?? "CNY")));
            }
        }
        if (line.BundleRole == BundleRole.Primary && bundleMembers.Count > 0)
            blockers.Add(Find(EligibilityCodes.BundlePrimary, ("members", string.Join(", ", bundleMembers.Select(m => m.Msisdn.Value)))));
        if (line.PortState == PortState.PortInPending)
            blockers.Add(Find(EligibilityCodes.PortInProgress));
        if (line.FraudHold)
            blockers.Add(Find(EligibilityCodes.FraudHold));
        if (owner.AccountLocked)
            blockers.Add(Find(EligibilityCodes.AccountLocked));
        if (identityDocumentMatches == false)
            blockers.Add(Find(EligibilityCodes.RealNameMismatch));

        var companions = line.Profiles.Where(p => p.Role == ProfileRole.Companion).ToList();
        if (companions.Count > 0)
            warnings.Add(Find(EligibilityCodes.CompanionDevices, ("devices", string.Join(", ", companions.Select(c => c.DeviceLabel)))));
        if (account is { Balance: > 0 })
            warnings.Add(Find(EligibilityCodes.PrepaidBalance, ("amount", Amount(account.Balance)), ("currency", account.Currency)));
        if (line.SimChangedAt is { } simChanged && now - simChanged < EligibilityPolicy.RecentSimChangeWindow)
            warnings.Add(Find(EligibilityCodes.RecentSimChange, ("on", Day(simChanged))));
        var activatedAt = new DateTimeOffset(line.ActivatedOn.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
        if (line.OwnerSince > activatedAt && now - line.OwnerSince < EligibilityPolicy.RecentOwnershipChangeWindow)
            warnings.Add(Find(EligibilityCodes.RecentOwnershipChange, ("on", Day(line.OwnerSince))));
        if (line.ServicePasswordResetAt is { } reset && now - reset < EligibilityPolicy.RecentPasswordResetWindow)
            warnings.Add(Find(EligibilityCodes.RecentPasswordReset, ("on", Day(reset))));
        if (line.FraudHoldReleasedAt is { } released && now - released < EligibilityPolicy.RecentFraudHoldWindow)
            warnings.Add(Find(EligibilityCodes.RecentFraudHold, ("on", Day(released))));

        return new EligibilityResult(blockers, warnings) { EarlyExitFee = earlyExitFee };
    }

    /// <summary>Whole months left on a contract, a started month counting as a full one.</summary>
    public static int MonthsLeft(DateOnly today, DateOnly end)
    {
        var months = (end.Year - today.Year) * 12 + end.Month - today.Month;
        if (end.Day > today.Day)
            months++;
        return Math.Max(months, 1);
    }

    private static Finding Find(string code, params (string Key, string Value)[] facts) =>
        new(code, facts.ToDictionary(f => f.Key, f => f.Value));

    private static string Amount(decimal value) => value.ToString("0.00", System.Globalization.CultureInfo.InvariantCulture);

    private static string Day(DateTimeOffset instant) => DateOnly.FromDateTime(instant.UtcDateTime).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
}
