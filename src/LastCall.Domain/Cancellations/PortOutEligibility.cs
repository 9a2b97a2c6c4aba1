using LastCall.Domain.Billing;
using LastCall.Domain.Customers;
using LastCall.Domain.Lines;

namespace LastCall.Domain.Cancellations;

/// <summary>The blocker codes of a port-out (API.md, Porting), beside the cancellation's that it shares.</summary>
public static class PortOutCodes
{
    public const string NotActive = "not_active";
    public const string RecentPort = "recent_port";
    public const string InvalidAuthorizationCode = "invalid_authorization_code";
}

/// <summary>
/// Decides whether a line may be ported out now, with every blocker at once. Without a valid authorization code the
/// answer is that blocker alone: the owner has not consented, so nothing else about the line is told to the asker.
/// </summary>
public static class PortOutEligibility
{
    public static IReadOnlyList<Finding> Blockers(
        Line line, Customer owner, BillingAccount? account, bool authorizationValid, bool? identityMatches, DateOnly? lastPortedOn, int minDaysBetweenPorts, DateOnly today)
    {
        if (!authorizationValid)
            return [Find(PortOutCodes.InvalidAuthorizationCode)];
        var blockers = new List<Finding>();
        if (line.Status == LineStatus.PendingCancellation)
            blockers.Add(Find(EligibilityCodes.CancellationPending));
        else if (line.Status is not (LineStatus.Active or LineStatus.Suspended))
            blockers.Add(Find(PortOutCodes.NotActive, ("status", line.Status.ToString())));
        if (account is { Arrears: > 0 })
            blockers.Add(Find(EligibilityCodes.Arrears, ("amount", account.Arrears.ToString("0.00", System.Globalization.CultureInfo.InvariantCulture)), ("currency", account.Currency)));
        if (line.ContractEndsOn is { } end && end > today)
            blockers.Add(Find(EligibilityCodes.ContractCommitment, ("endsOn", Day(end)), ("earlyExitAllowed", "false"), ("earlyExitFee", "0.00"), ("currency", account?.Currency ?? "CNY")));
        if (line.FraudHold)
            blockers.Add(Find(EligibilityCodes.FraudHold));
        if (owner.AccountLocked)
            blockers.Add(Find(EligibilityCodes.AccountLocked));
        if (line.PortState == PortState.PortInPending)
            blockers.Add(Find(PortOutCodes.RecentPort, ("portedOn", "pending"), ("days", minDaysBetweenPorts.ToString(System.Globalization.CultureInfo.InvariantCulture))));
        else if (lastPortedOn is { } ported && today.DayNumber - ported.DayNumber < minDaysBetweenPorts)
            blockers.Add(Find(PortOutCodes.RecentPort, ("portedOn", Day(ported)), ("days", minDaysBetweenPorts.ToString(System.Globalization.CultureInfo.InvariantCulture))));
        if (identityMatches == false)
            blockers.Add(Find(EligibilityCodes.RealNameMismatch));
        return blockers;
    }

    private static Finding Find(string code, params (string Key, string Value)[] facts) => new(code, facts.ToDictionary(f => f.Key, f => f.Value));

    private static string Day(DateOnly day) => day.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
}
