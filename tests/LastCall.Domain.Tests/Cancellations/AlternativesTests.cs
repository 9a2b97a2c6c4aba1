using LastCall.Domain.Cancellations;
using LastCall.Domain.Lines;
using static LastCall.Domain.Tests.Cancellations.CancellationTestData;

namespace LastCall.Domain.Tests.Cancellations;

public class AlternativesTests
{
    // ---- suspension ----

    [Fact]
    public void SuspensionBlockers_CleanActiveLine_None()
    {
        Assert.Empty(Alternatives.SuspensionBlockers(NewLine(), Owner(), Account()));
    }

    [Fact]
    public void SuspensionBlockers_NoAccount_None()
    {
        Assert.Empty(Alternatives.SuspensionBlockers(NewLine(), Owner(), null));
    }

    [Theory]
    [InlineData(LineStatus.Suspended)]
    [InlineData(LineStatus.Barred)]
    [InlineData(LineStatus.PendingCancellation)]
    [InlineData(LineStatus.Cancelled)]
    public void SuspensionBlockers_LineNotActive_LineNotActive(LineStatus status)
    {
        Assert.Equal([Alternatives.LineNotActive], Alternatives.SuspensionBlockers(LineIn(status), Owner(), Account()));
    }

    [Fact]
    public void SuspensionBlockers_Arrears_Arrears()
    {
        Assert.Equal([EligibilityCodes.Arrears], Alternatives.SuspensionBlockers(NewLine(), Owner(), Account(arrears: 0.01m)));
    }

    [Fact]
    public void SuspensionBlockers_PrepaidBalance_None()
    {
        Assert.Empty(Alternatives.SuspensionBlockers(NewLine(), Owner(), Account(balance: 50m)));
    }

    [Fact]
    public void SuspensionBlockers_FraudHold_FraudHold()
    {
        Assert.Equal([EligibilityCodes.FraudHold], Alternatives.SuspensionBlockers(NewLine(Details(fraudHold: true)), Owner(), Account()));
    }

    [Fact]
    public void SuspensionBlockers_AccountLocked_AccountLocked()
    {
        Assert.Equal([EligibilityCodes.AccountLocked], Alternatives.SuspensionBlockers(NewLine(), Owner(locked: true), Account()));
    }

    [Theory]
    [InlineData(BundleRole.Primary)]
    [InlineData(BundleRole.Member)]
    public void SuspensionBlockers_BundleLine_None(BundleRole role)
    {
        var line = NewLine(Details(bundleRole: role, bundlePrimary: role == BundleRole.Member ? MemberA : null));

        Assert.Empty(Alternatives.SuspensionBlockers(line, Owner(), Account()));
    }

    [Fact]
    public void SuspensionBlockers_RunningContract_None()
    {
        var line = NewLine(Details(contractEndsOn: new DateOnly(2030, 1, 1)));

        Assert.Empty(Alternatives.SuspensionBlockers(line, Owner(), Account()));
    }

    [Fact]
    public void SuspensionBlockers_EverythingWrong_AllReasonsLineStatusFirst()
    {
        var line = NewLine(Details(fraudHold: true, bundleRole: BundleRole.Primary));
        Assert.True(line.Bar(CreatedAt).IsSuccess);

        var reasons = Alternatives.SuspensionBlockers(line, Owner(locked: true), Account(arrears: 10m));

        Assert.Equal(
            [Alternatives.LineNotActive, EligibilityCodes.Arrears, EligibilityCodes.FraudHold, EligibilityCodes.AccountLocked],
            reasons);
    }

    // ---- transfer ----

    [Theory]
    [InlineData(LineStatus.Active)]
    [InlineData(LineStatus.Suspended)]
    public void TransferBlockers_CleanActiveOrSuspendedLine_None(LineStatus status)
    {
        Assert.Empty(Alternatives.TransferBlockers(LineIn(status), Owner(), Account()));
    }

    [Fact]
    public void TransferBlockers_NoAccount_None()
    {
        Assert.Empty(Alternatives.TransferBlockers(NewLine(), Owner(), null));
    }

    [Theory]
    [InlineData(LineStatus.Barred)]
    [InlineData(LineStatus.PendingCancellation)]
    [InlineData(LineStatus.Cancelled)]
    public void TransferBlockers_LineNotActiveOrSuspended_LineNotActive(LineStatus status)
    {
        Assert.Equal([Alternatives.LineNotActive], Alternatives.TransferBlockers(LineIn(status), Owner(), Account()));
    }

    [Fact]
    public void TransferBlockers_Arrears_Arrears()
    {
        Assert.Equal([EligibilityCodes.Arrears], Alternatives.TransferBlockers(NewLine(), Owner(), Account(arrears: 3.2m)));
    }

    [Fact]
    public void TransferBlockers_FraudHold_FraudHold()
    {
        Assert.Equal([EligibilityCodes.FraudHold], Alternatives.TransferBlockers(NewLine(Details(fraudHold: true)), Owner(), Account()));
    }

    [Fact]
    public void TransferBlockers_AccountLocked_AccountLocked()
    {
        Assert.Equal([EligibilityCodes.AccountLocked], Alternatives.TransferBlockers(NewLine(), Owner(locked: true), Account()));
    }

    [Fact]
    public void TransferBlockers_BundlePrimary_BundlePrimary()
    {
        var line = NewLine(Details(bundleRole: BundleRole.Primary));

        Assert.Equal([EligibilityCodes.BundlePrimary], Alternatives.TransferBlockers(line, Owner(), Account()));
    }

    [Fact]
    public void TransferBlockers_BundleMember_BundleMember()
    {
        var line = NewLine(Details(bundleRole: BundleRole.Member, bundlePrimary: MemberA));

        Assert.Equal([Alternatives.BundleMember], Alternatives.TransferBlockers(line, Owner(), Account()));
    }

    [Fact]
    public void TransferBlockers_EverythingWrong_AllReasonsLineStatusFirstBundleLast()
    {
        var line = NewLine(Details(fraudHold: true, bundleRole: BundleRole.Primary));
        Assert.True(line.BeginCancellation(CreatedAt).IsSuccess);

        var reasons = Alternatives.TransferBlockers(line, Owner(locked: true), Account(arrears: 10m));

        Assert.Equal(
            [Alternatives.LineNotActive, EligibilityCodes.Arrears, EligibilityCodes.FraudHold, EligibilityCodes.AccountLocked, EligibilityCodes.BundlePrimary],
            reasons);
    }

    [Fact]
    public void Blockers_SuspendedLine_SuspensionRefusedButTransferAllowed()
    {
        var line = LineIn(LineStatus.Suspended);

        Assert.Equal([Alternatives.LineNotActive], Alternatives.SuspensionBlockers(line, Owner(), Account()));
        Assert.Empty(Alternatives.TransferBlockers(line, Owner(), Account()));
    }

    [Fact]
    public void Codes_AreSnakeCase()
    {
        Assert.Equal("line_not_active", Alternatives.LineNotActive);
        Assert.Equal("bundle_member", Alternatives.BundleMember);
    }
}
