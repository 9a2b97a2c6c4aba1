using LastCall.Domain.Billing;
using LastCall.Domain.Common;
using LastCall.Domain.Customers;
using LastCall.Domain.Lines;

namespace LastCall.Features.Lines;

/// <summary>The wire shapes of lines (API.md, Lines): snake_case enum values, masked ID numbers only.</summary>
public static class LineViews
{
    public sealed record Owner(string Name, string IdNumberMasked);

    public sealed record Profile(string Iccid, string Role, string Device, string State, string? Eid);

    public sealed record LineDetail(
        string Msisdn, string Status, string Plan, Owner Owner, decimal Balance, decimal Arrears, string Currency,
        DateOnly ActivatedOn, DateOnly? ContractEndsOn, string? BundleRole, string? BundlePrimary, bool PortInProgress, bool FraudHold,
        IReadOnlyList<Profile> Profiles);

    public sealed record LineSummary(string Msisdn, string Status, string Plan, DateOnly ActivatedOn, bool FraudHold, int Devices);

    public static LineDetail Detail(Line line, Customer owner, BillingAccount? account) => new(
        line.Msisdn.Value,
        Status(line.Status),
        line.Plan,
        new Owner(owner.Name, owner.IdNumberMasked),
        account?.Balance ?? 0m,
        account?.Arrears ?? 0m,
        account?.Currency ?? "CNY",
        line.ActivatedOn,
        line.ContractEndsOn,
        line.BundleRole == BundleRole.None ? null : line.BundleRole.ToWireName(),
        line.BundlePrimary?.Value,
        line.PortState == PortState.PortInPending,
        line.FraudHold,
        [.. line.Profiles.OrderBy(p => p.Role).Select(p => new Profile(p.Iccid.Value, p.Role.ToWireName(), p.DeviceLabel, p.State.ToWireName(), p.Eid?.Value))]);

    public static LineSummary Summary(Line line) =>
        new(line.Msisdn.Value, Status(line.Status), line.Plan, line.ActivatedOn, line.FraudHold, line.Profiles.Count);

    public static string Status(LineStatus status) => status.ToWireName();
}
