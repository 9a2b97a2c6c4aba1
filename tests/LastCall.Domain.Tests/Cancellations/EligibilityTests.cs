using LastCall.Domain.Billing;
using LastCall.Domain.Cancellations;
using LastCall.Domain.Customers;
using LastCall.Domain.Lines;
using static LastCall.Domain.Tests.Cancellations.CancellationTestData;

namespace LastCall.Domain.Tests.Cancellations;

public class EligibilityTests
{
    private static readonly EligibilityPolicy ExitAllowed = new(AllowEarlyContractExit: true, EarlyExitFeePerMonth: 30m);
    private static readonly EligibilityPolicy ExitNotAllowed = new(AllowEarlyContractExit: false, EarlyExitFeePerMonth: 30m);

    private static EligibilityResult Evaluate(
        Line? line = null,
        Customer? owner = null,
        BillingAccount? account = null,
        IReadOnlyList<Line>? members = null,
        EligibilityPolicy? policy = null,
        DateTimeOffset? now = null,
        bool? identityDocumentMatches = null,
        bool earlyExitFeeAccepted = false,
        DateOnly? today = null) =>
        Eligibility.Evaluate(
            line ?? NewLine(),
            owner ?? Owner(),
            account ?? Account(),
            members ?? [],
            policy ?? ExitAllowed,
            now ?? Now,
            identityDocumentMatches,
            earlyExitFeeAccepted,
            today);

    private static Finding OnlyBlocker(EligibilityResult result, string code)
    {
        Assert.False(result.Eligible);
        var blocker = Assert.Single(result.Blockers);
        Assert.Equal(code, blocker.Code);
        Assert.Empty(result.Warnings);
        return blocker;
    }

    private static Finding OnlyWarning(EligibilityResult result, string code)
    {
        Assert.True(result.Eligible);
        Assert.Empty(result.Blockers);
        var warning = Assert.Single(result.Warnings);
        Assert.Equal(code, warning.Code);
        return warning;
    }

    // ---- a clean line ----

    [Fact]
    public void Evaluate_CleanActiveLine_EligibleWithoutFindings()
    {
        var result = Evaluate();

        Assert.True(result.Eligible);
        Assert.Empty(result.Blockers);
        Assert.Empty(result.Warnings);
        Assert.False(result.ForcesReview);
    }

    [Fact]
    public void Evaluate_CleanSuspendedLine_Eligible()
    {
        var result = Evaluate(line: LineIn(LineStatus.Suspended));

        Assert.True(result.Eligible);
        Assert.Empty(result.Warnings);
    }

    [Fact]
    public void Evaluate_NoBillingAccount_NoMoneyFindings()
    {
        var result = Eligibility.Evaluate(NewLine(), Owner(), null, [], ExitAllowed, Now);

        Assert.True(result.Eligible);
        Assert.Empty(result.Warnings);
    }

    [Fact]
    public void Evaluate_PrimaryProfileOnly_NoCompanionWarning()
    {
        var line = NewLine();
        Assert.True(line.SetProfiles([Primary()]).IsSuccess);

        var result = Evaluate(line: line);

        Assert.Empty(result.Warnings);
    }

    // ---- blockers, each alone ----

    [Fact]
    public void Evaluate_Arrears_BlocksWithAmountAndCurrency()
    {
        var blocker = OnlyBlocker(Evaluate(account: Account(arrears: 12.5m)), EligibilityCodes.Arrears);

        Assert.Equal("12.50", blocker.Facts["amount"]);
        Assert.Equal("CNY", blocker.Facts["currency"]);
        Assert.Equal(2, blocker.Facts.Count);
    }

    [Theory]
    [InlineData("0.01", "0.01")]
    [InlineData("7", "7.00")]
    [InlineData("1234.5", "1234.50")]
    [InlineData("100000", "100000.00")]
    public void Evaluate_ArrearsAmount_FormattedWithTwoDecimalsAndNoGrouping(string arrears, string expected)
    {
        var amount = decimal.Parse(arrears, System.Globalization.CultureInfo.InvariantCulture);

        var blocker = OnlyBlocker(Evaluate(account: Account(arrears: amount, currency: "USD")), EligibilityCodes.Arrears);

        Assert.Equal(expected, blocker.Facts["amount"]);
        Assert.Equal("USD", blocker.Facts["currency"]);
    }

    [Fact]
    public void Evaluate_ArrearsAndBalanceBothZero_NoMoneyFindings()
    {
        var result = Evaluate(account: Account(balance: 0m, arrears: 0m));

        Assert.True(result.Eligible);
        Assert.Empty(result.Warnings);
    }

    [Fact]
    public void Evaluate_ContractRunningAndEarlyExitNotAllowed_BlocksEvenWhenFeeAccepted()
    {
        var line = NewLine(Details(contractEndsOn: new DateOnly(2026, 6, 20)));

        var blocker = OnlyBlocker(Evaluate(line: line, policy: ExitNotAllowed, earlyExitFeeAccepted: true), EligibilityCodes.ContractCommitment);

        Assert.Equal("2026-06-20", blocker.Facts["endsOn"]);
        Assert.Equal("false", blocker.Facts["earlyExitAllowed"]);
        // 2026-03-10 → 2026-06-20: three whole months to 06-10, then a started fourth month.
        Assert.Equal("120.00", blocker.Facts["earlyExitFee"]);
        Assert.Equal("CNY", blocker.Facts["currency"]);
    }

    [Fact]
    public void Evaluate_ContractRunningEarlyExitAllowedFeeNotAccepted_BlocksWithFee()
    {
        var line = NewLine(Details(contractEndsOn: new DateOnly(2026, 6, 20)));

        var blocker = OnlyBlocker(Evaluate(line: line, policy: ExitAllowed, earlyExitFeeAccepted: false), EligibilityCodes.ContractCommitment);

        Assert.Equal("true", blocker.Facts["earlyExitAllowed"]);
        Assert.Equal("120.00", blocker.Facts["earlyExitFee"]);
    }

    [Fact]
    public void Evaluate_ContractRunningEarlyExitAllowedAndFeeAccepted_NoBlocker()
    {
        var line = NewLine(Details(contractEndsOn: new DateOnly(2026, 6, 20)));

        var result = Evaluate(line: line, policy: ExitAllowed, earlyExitFeeAccepted: true);

        Assert.True(result.Eligible);
        Assert.Empty(result.Warnings);
        Assert.Equal(120.00m, result.EarlyExitFee);
    }

    [Fact]
    public void Evaluate_NoContract_NoEarlyExitFee()
    {
        var result = Evaluate(line: NewLine(Details(contractEndsOn: new DateOnly(2026, 3, 10))), policy: ExitAllowed, earlyExitFeeAccepted: true);

        Assert.Equal(0m, result.EarlyExitFee);
    }

    [Theory]
    [InlineData("2026-03-10")] // ends today
    [InlineData("2026-03-09")] // ended yesterday
    [InlineData("2025-01-31")] // ended long ago
    public void Evaluate_ContractEndedOrEndingToday_NoBlocker(string endsOn)
    {
        var line = NewLine(Details(contractEndsOn: DateOnly.Parse(endsOn, System.Globalization.CultureInfo.InvariantCulture)));

        var result = Evaluate(line: line, policy: ExitNotAllowed);

        Assert.True(result.Eligible);
    }

    [Fact]
    public void Evaluate_ContractEndsTodayInOperatorZoneButNotYetInUtc_NoBlocker()
    {
        // 06:00 on Sun 2026-03-01 in Beijing is still 2026-02-28 in UTC. The contract ends on 03-01: the
        // operator's today has reached it.
        var now = new DateTimeOffset(2026, 2, 28, 22, 0, 0, TimeSpan.Zero);
        var line = NewLine(Details(contractEndsOn: new DateOnly(2026, 3, 1)));

        var result = Evaluate(line: line, policy: ExitNotAllowed, now: now, today: new DateOnly(2026, 3, 1));

        Assert.True(result.Eligible);
    }

    [Fact]
    public void Evaluate_TodayNotGiven_FallsBackToUtcDate()
    {
        var now = new DateTimeOffset(2026, 2, 28, 22, 0, 0, TimeSpan.Zero);
        var line = NewLine(Details(contractEndsOn: new DateOnly(2026, 3, 1)));

        var blocker = OnlyBlocker(Evaluate(line: line, policy: ExitNotAllowed, now: now), EligibilityCodes.ContractCommitment);

        Assert.Equal("30.00", blocker.Facts["earlyExitFee"]);
    }

    [Fact]
    public void Evaluate_TodayGiven_MonthsLeftCountedFromOperatorDay()
    {
        // UTC 2026-03-09 23:30 is 2026-03-10 07:30 in Beijing. From 03-10, 2026-04-10 is exactly one
        // month away; from the UTC date 03-09 it would be a month and a day (two months).
        var now = new DateTimeOffset(2026, 3, 9, 23, 30, 0, TimeSpan.Zero);
        var line = NewLine(Details(contractEndsOn: new DateOnly(2026, 4, 10)));

        var blocker = OnlyBlocker(Evaluate(line: line, policy: ExitNotAllowed, now: now, today: Today), EligibilityCodes.ContractCommitment);

        Assert.Equal("30.00", blocker.Facts["earlyExitFee"]);
    }

    [Fact]
    public void Evaluate_ContractEndsTomorrow_BlocksWithOneMonthFee()
    {
        var line = NewLine(Details(contractEndsOn: Today.AddDays(1)));

        var blocker = OnlyBlocker(Evaluate(line: line, policy: ExitNotAllowed), EligibilityCodes.ContractCommitment);

        Assert.Equal("2026-03-11", blocker.Facts["endsOn"]);
        Assert.Equal("30.00", blocker.Facts["earlyExitFee"]);
    }

    [Theory]
    [InlineData("12.5", "2026-06-20", "50.00")] // 4 months × 12.50
    [InlineData("30", "2026-04-10", "30.00")] // exactly one month
    [InlineData("30", "2027-03-10", "360.00")] // exactly twelve months
    [InlineData("30", "2027-03-11", "390.00")] // twelve months and a day: thirteen
    [InlineData("0", "2026-06-20", "0.00")] // free early exit still needs to be accepted
    public void Evaluate_ContractRunning_EarlyExitFeeIsMonthsTimesMonthlyFee(string feePerMonth, string endsOn, string expectedFee)
    {
        var policy = new EligibilityPolicy(false, decimal.Parse(feePerMonth, System.Globalization.CultureInfo.InvariantCulture));
        var end = DateOnly.Parse(endsOn, System.Globalization.CultureInfo.InvariantCulture);
        var line = NewLine(Details(contractEndsOn: end));

        var blocker = OnlyBlocker(Evaluate(line: line, policy: policy), EligibilityCodes.ContractCommitment);

        Assert.Equal(expectedFee, blocker.Facts["earlyExitFee"]);
        Assert.Equal(Eligibility.MonthsLeft(Today, end) * policy.EarlyExitFeePerMonth, decimal.Parse(blocker.Facts["earlyExitFee"], System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public void Evaluate_ContractRunningWithoutAccount_FeeCurrencyDefaultsToCny()
    {
        var line = NewLine(Details(contractEndsOn: new DateOnly(2026, 6, 20)));

        var result = Eligibility.Evaluate(line, Owner(), null, [], ExitNotAllowed, Now);

        var blocker = OnlyBlocker(result, EligibilityCodes.ContractCommitment);
        Assert.Equal("CNY", blocker.Facts["currency"]);
    }

    [Fact]
    public void Evaluate_ContractRunningWithUsdAccount_FeeInAccountCurrency()
    {
        var line = NewLine(Details(contractEndsOn: new DateOnly(2026, 6, 20)));

        var blocker = OnlyBlocker(Evaluate(line: line, account: Account(currency: "USD"), policy: ExitNotAllowed), EligibilityCodes.ContractCommitment);

        Assert.Equal("USD", blocker.Facts["currency"]);
    }

    [Fact]
    public void Evaluate_BundlePrimaryWithLiveMembers_BlocksListingMembers()
    {
        var line = NewLine(Details(bundleRole: BundleRole.Primary));

        var blocker = OnlyBlocker(Evaluate(line: line, members: [Member(MemberA), Member(MemberB)]), EligibilityCodes.BundlePrimary);

        Assert.Equal("+8613900000002, +8613700000003", blocker.Facts["members"]);
    }

    [Fact]
    public void Evaluate_BundlePrimaryWithoutMembers_NoBlocker()
    {
        var line = NewLine(Details(bundleRole: BundleRole.Primary));

        var result = Evaluate(line: line, members: []);

        Assert.True(result.Eligible);
    }

    [Fact]
    public void Evaluate_BundleMemberLine_NoBlocker()
    {
        var line = NewLine(Details(bundleRole: BundleRole.Member, bundlePrimary: MemberA));

        var result = Evaluate(line: line);

        Assert.True(result.Eligible);
    }

    [Fact]
    public void Evaluate_PortInPending_Blocks()
    {
        var line = NewLine(Details(portState: PortState.PortInPending));

        var blocker = OnlyBlocker(Evaluate(line: line), EligibilityCodes.PortInProgress);

        Assert.Empty(blocker.Facts);
    }

    [Fact]
    public void Evaluate_FraudHold_Blocks()
    {
        var line = NewLine(Details(fraudHold: true));

        var blocker = OnlyBlocker(Evaluate(line: line), EligibilityCodes.FraudHold);

        Assert.Empty(blocker.Facts);
    }

    [Fact]
    public void Evaluate_OwnerAccountLocked_Blocks()
    {
        var blocker = OnlyBlocker(Evaluate(owner: Owner(locked: true)), EligibilityCodes.AccountLocked);

        Assert.Empty(blocker.Facts);
    }

    [Fact]
    public void Evaluate_IdentityDocumentDoesNotMatch_BlocksWithRealNameMismatch()
    {
        var blocker = OnlyBlocker(Evaluate(identityDocumentMatches: false), EligibilityCodes.RealNameMismatch);

        Assert.Empty(blocker.Facts);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(null)] // not checked (yet): no blocker
    public void Evaluate_IdentityDocumentMatchesOrNotChecked_NoBlocker(bool? matches)
    {
        var result = Evaluate(identityDocumentMatches: matches);

        Assert.True(result.Eligible);
        Assert.Empty(result.Blockers);
    }

    [Theory]
    [InlineData(LineStatus.Barred)]
    [InlineData(LineStatus.Cancelled)]
    public void Evaluate_LineNeitherActiveNorSuspended_BlocksWithStatus(LineStatus status)
    {
        var blocker = OnlyBlocker(Evaluate(line: LineIn(status)), EligibilityCodes.NotCancellable);

        Assert.Equal(status.ToString(), blocker.Facts["status"]);
        Assert.Single(blocker.Facts);
    }

    [Fact]
    public void Evaluate_PendingCancellation_BlocksWithCancellationPendingOnly()
    {
        var blocker = OnlyBlocker(Evaluate(line: LineIn(LineStatus.PendingCancellation)), EligibilityCodes.CancellationPending);

        Assert.Empty(blocker.Facts);
    }

    // ---- every blocker at once ----

    [Fact]
    public void Evaluate_EveryBlockerAtOnce_ReportsAllInStableOrder()
    {
        var line = NewLine(Details(
            contractEndsOn: new DateOnly(2026, 6, 20),
            bundleRole: BundleRole.Primary,
            portState: PortState.PortInPending,
            fraudHold: true));
        Assert.True(line.Bar(CreatedAt).IsSuccess);

        var result = Evaluate(
            line: line,
            owner: Owner(locked: true),
            account: Account(arrears: 99.9m),
            members: [Member(MemberA)],
            policy: ExitNotAllowed,
            identityDocumentMatches: false);

        Assert.False(result.Eligible);
        Assert.Equal(
            [
                EligibilityCodes.NotCancellable,
                EligibilityCodes.Arrears,
                EligibilityCodes.ContractCommitment,
                EligibilityCodes.BundlePrimary,
                EligibilityCodes.PortInProgress,
                EligibilityCodes.FraudHold,
                EligibilityCodes.AccountLocked,
                EligibilityCodes.RealNameMismatch,
            ],
            result.Blockers.Select(b => b.Code));
        Assert.Equal("99.90", result.Blockers[1].Facts["amount"]);
        Assert.Equal("+8613900000002", result.Blockers[3].Facts["members"]);
        Assert.Empty(result.Warnings);
    }

    [Fact]
    public void Evaluate_EveryBlockerOnPendingLine_CancellationPendingComesFirst()
    {
        var line = NewLine(Details(
            contractEndsOn: new DateOnly(2026, 6, 20),
            bundleRole: BundleRole.Primary,
            portState: PortState.PortInPending,
            fraudHold: true));
        Assert.True(line.BeginCancellation(CreatedAt).IsSuccess);

        var result = Evaluate(
            line: line,
            owner: Owner(locked: true),
            account: Account(arrears: 1m),
            members: [Member(MemberA)],
            policy: ExitNotAllowed,
            identityDocumentMatches: false);

        Assert.Equal(
            [
                EligibilityCodes.CancellationPending,
                EligibilityCodes.Arrears,
                EligibilityCodes.ContractCommitment,
                EligibilityCodes.BundlePrimary,
                EligibilityCodes.PortInProgress,
                EligibilityCodes.FraudHold,
                EligibilityCodes.AccountLocked,
                EligibilityCodes.RealNameMismatch,
            ],
            result.Blockers.Select(b => b.Code));
        Assert.DoesNotContain(result.Blockers, b => b.Code == EligibilityCodes.NotCancellable);
    }

    [Fact]
    public void Evaluate_SameInputTwice_SameFindings()
    {
        var line = NewLine(Details(fraudHold: true, portState: PortState.PortInPending));
        var account = Account(balance: 3m, arrears: 4m);

        var first = Evaluate(line: line, account: account);
        var second = Evaluate(line: line, account: account);

        Assert.Equal(first.Blockers.Select(b => b.Code), second.Blockers.Select(b => b.Code));
        Assert.Equal(first.Warnings.Select(w => w.Code), second.Warnings.Select(w => w.Code));
    }

    // ---- warnings, each alone ----

    [Fact]
    public void Evaluate_CompanionDevices_WarnsListingDevices()
    {
        var line = NewLine();
        Assert.True(line.SetProfiles([Primary(), Companion("898600123456789013", "Apple Watch"), Companion("898600123456789014", "iPad")]).IsSuccess);

        var warning = OnlyWarning(Evaluate(line: line), EligibilityCodes.CompanionDevices);

        Assert.Equal("Apple Watch, iPad", warning.Facts["devices"]);
    }

    [Fact]
    public void Evaluate_PrepaidBalance_WarnsWithAmount()
    {
        var warning = OnlyWarning(Evaluate(account: Account(balance: 12.5m)), EligibilityCodes.PrepaidBalance);

        Assert.Equal("12.50", warning.Facts["amount"]);
        Assert.Equal("CNY", warning.Facts["currency"]);
    }

    [Theory]
    [InlineData(0, true)]
    [InlineData(29, true)]
    [InlineData(30, false)] // 30 days and 2 hours before Now
    [InlineData(31, false)]
    public void Evaluate_SimChangedDaysAgo_WarnsOnlyInsideThirtyDays(int daysAgo, bool warns)
    {
        var changedOn = Today.AddDays(-daysAgo);
        var line = NewLine(Details(simChangedOn: changedOn));

        var result = Evaluate(line: line);

        if (warns)
        {
            var warning = OnlyWarning(result, EligibilityCodes.RecentSimChange);
            Assert.Equal(changedOn.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture), warning.Facts["on"]);
        }
        else
        {
            Assert.Empty(result.Warnings);
        }
    }

    [Fact]
    public void Evaluate_SimChangedExactlyThirtyDaysBefore_NoWarning()
    {
        var line = NewLine(Details(simChangedOn: new DateOnly(2026, 2, 8)));
        var now = new DateTimeOffset(2026, 3, 10, 0, 0, 0, TimeSpan.Zero);

        Assert.Empty(Evaluate(line: line, now: now).Warnings);
        Assert.Single(Evaluate(line: line, now: now.AddTicks(-1)).Warnings);
    }

    [Theory]
    [InlineData(1, true)]
    [InlineData(29, true)]
    [InlineData(31, false)]
    public void Evaluate_TransferredDaysAgo_WarnsRecentOwnershipChange(int daysAgo, bool warns)
    {
        var line = NewLine();
        var transferredAt = Now.AddDays(-daysAgo);
        Assert.True(line.TransferTo(NewOwnerId, "hash-new", transferredAt).IsSuccess);

        var result = Evaluate(line: line);

        if (warns)
        {
            var warning = OnlyWarning(result, EligibilityCodes.RecentOwnershipChange);
            Assert.Equal(DateOnly.FromDateTime(transferredAt.UtcDateTime).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture), warning.Facts["on"]);
        }
        else
        {
            Assert.Empty(result.Warnings);
        }
    }

    [Fact]
    public void Evaluate_OwnerChangedByImport_WarnsRecentOwnershipChange()
    {
        var line = NewLine();
        Assert.True(line.UpdateDetails(Details(), NewOwnerId, Now.AddDays(-10)).IsSuccess);

        var warning = OnlyWarning(Evaluate(line: line), EligibilityCodes.RecentOwnershipChange);

        Assert.Equal("2026-02-28", warning.Facts["on"]);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(5)]
    [InlineData(29)]
    public void Evaluate_OriginalOwnerOfRecentlyActivatedLine_NoOwnershipWarning(int daysSinceActivation)
    {
        var activatedOn = Today.AddDays(-daysSinceActivation);
        var line = NewLine(Details(activatedOn: activatedOn), createdAt: Now.AddDays(-daysSinceActivation));

        var result = Evaluate(line: line);

        Assert.True(result.Eligible);
        Assert.Empty(result.Warnings);
    }

    [Fact]
    public void Evaluate_ImportRewritesDetailsForSameOwner_NoOwnershipWarning()
    {
        var line = NewLine(Details(activatedOn: Today.AddDays(-5)), createdAt: Now.AddDays(-5));
        Assert.True(line.UpdateDetails(Details(activatedOn: Today.AddDays(-5), contractEndsOn: Today), OwnerId, Now.AddDays(-1)).IsSuccess);

        Assert.Empty(Evaluate(line: line).Warnings);
    }

    [Fact]
    public void Evaluate_ImportCorrectsActivationEarlierForOriginalOwner_NoOwnershipWarning()
    {
        // Activated five days ago by the system of record's first account; a later import corrects the
        // activation to twenty days ago. The owner has held the line since activation all along.
        var line = NewLine(Details(activatedOn: Today.AddDays(-5)), createdAt: Now.AddDays(-5));
        Assert.True(line.UpdateDetails(Details(activatedOn: Today.AddDays(-20)), OwnerId, Now.AddDays(-1)).IsSuccess);

        var result = Evaluate(line: line);

        Assert.Empty(result.Warnings);
    }

    [Theory]
    [InlineData(0, true)]
    [InlineData(6, true)]
    [InlineData(7, false)] // exactly seven days: outside the window
    [InlineData(8, false)]
    public void Evaluate_PasswordResetDaysAgo_WarnsOnlyInsideSevenDays(int daysAgo, bool warns)
    {
        var line = NewLine();
        line.ResetServicePassword("hash-reset", Now.AddDays(-daysAgo));

        var result = Evaluate(line: line);

        if (warns)
        {
            var warning = OnlyWarning(result, EligibilityCodes.RecentPasswordReset);
            Assert.Equal(Today.AddDays(-daysAgo).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture), warning.Facts["on"]);
        }
        else
        {
            Assert.Empty(result.Warnings);
        }
    }

    [Theory]
    [InlineData(1, true)]
    [InlineData(29, true)]
    [InlineData(30, false)]
    [InlineData(31, false)]
    public void Evaluate_FraudHoldReleasedDaysAgo_WarnsOnlyInsideThirtyDays(int daysAgo, bool warns)
    {
        var line = NewLine(Details(fraudHold: true));
        Assert.True(line.ReleaseFraudHold(Now.AddDays(-daysAgo)).IsSuccess);

        var result = Evaluate(line: line);

        if (warns)
        {
            var warning = OnlyWarning(result, EligibilityCodes.RecentFraudHold);
            Assert.Equal(Today.AddDays(-daysAgo).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture), warning.Facts["on"]);
        }
        else
        {
            Assert.Empty(result.Warnings);
            Assert.Empty(result.Blockers);
        }
    }

    [Fact]
    public void Evaluate_FraudHoldLiftedByImportLastWeek_WarnsRecentFraudHoldAndForcesReview()
    {
        var line = NewLine(Details(fraudHold: true));
        Assert.True(line.UpdateDetails(Details(fraudHold: false), OwnerId, Now.AddDays(-7)).IsSuccess);

        var result = Evaluate(line: line);

        var warning = OnlyWarning(result, EligibilityCodes.RecentFraudHold);
        Assert.Equal("2026-03-03", warning.Facts["on"]);
        Assert.True(result.ForcesReview);
    }

    [Fact]
    public void Evaluate_EveryWarningAtOnce_ReportsAllInStableOrder()
    {
        var line = NewLine(Details(simChangedOn: Today.AddDays(-3), fraudHold: true));
        Assert.True(line.SetProfiles([Primary(), Companion("898600123456789013", "Apple Watch")]).IsSuccess);
        Assert.True(line.ReleaseFraudHold(Now.AddDays(-4)).IsSuccess);
        Assert.True(line.TransferTo(NewOwnerId, "hash-new", Now.AddDays(-2)).IsSuccess);
        line.ResetServicePassword("hash-reset", Now.AddDays(-1));

        var result = Evaluate(line: line, account: Account(balance: 20m));

        Assert.True(result.Eligible);
        Assert.Equal(
            [
                EligibilityCodes.CompanionDevices,
                EligibilityCodes.PrepaidBalance,
                EligibilityCodes.RecentSimChange,
                EligibilityCodes.RecentOwnershipChange,
                EligibilityCodes.RecentPasswordReset,
                EligibilityCodes.RecentFraudHold,
            ],
            result.Warnings.Select(w => w.Code));
        Assert.True(result.ForcesReview);
    }

    [Fact]
    public void Evaluate_BlockersAndWarningsTogether_KeepsThemApart()
    {
        var line = NewLine(Details(portState: PortState.PortInPending));
        Assert.True(line.SetProfiles([Primary(), Companion("898600123456789013", "Apple Watch")]).IsSuccess);

        var result = Evaluate(line: line, account: Account(balance: 5m, arrears: 6m));

        Assert.Equal([EligibilityCodes.Arrears, EligibilityCodes.PortInProgress], result.Blockers.Select(b => b.Code));
        Assert.Equal([EligibilityCodes.CompanionDevices, EligibilityCodes.PrepaidBalance], result.Warnings.Select(w => w.Code));
        Assert.False(result.Eligible);
    }

    // ---- ForcesReview ----

    [Theory]
    [InlineData(EligibilityCodes.RecentSimChange)]
    [InlineData(EligibilityCodes.RecentOwnershipChange)]
    [InlineData(EligibilityCodes.RecentPasswordReset)]
    [InlineData(EligibilityCodes.RecentFraudHold)]
    public void ForcesReview_RiskWarning_True(string code)
    {
        var result = new EligibilityResult([], [new Finding(code, new Dictionary<string, string>())]);

        Assert.True(result.ForcesReview);
        Assert.True(result.Eligible);
    }

    [Theory]
    [InlineData(EligibilityCodes.CompanionDevices)]
    [InlineData(EligibilityCodes.PrepaidBalance)]
    [InlineData(EligibilityCodes.SuspensionExpired)]
    public void ForcesReview_InformationalWarning_False(string code)
    {
        var result = new EligibilityResult([], [new Finding(code, new Dictionary<string, string>())]);

        Assert.False(result.ForcesReview);
    }

    [Fact]
    public void ForcesReview_BlockerWithRiskCode_IgnoresBlockers()
    {
        // Only warnings force review; a blocker never reaches review anyway.
        var result = new EligibilityResult([new Finding(EligibilityCodes.FraudHold, new Dictionary<string, string>())], []);

        Assert.False(result.ForcesReview);
        Assert.False(result.Eligible);
    }

    [Fact]
    public void Evaluate_RecentSimChange_ForcesReview()
    {
        var result = Evaluate(line: NewLine(Details(simChangedOn: Today.AddDays(-1))));

        Assert.True(result.ForcesReview);
    }

    [Fact]
    public void Evaluate_CompanionAndPrepaidOnly_DoesNotForceReview()
    {
        var line = NewLine();
        Assert.True(line.SetProfiles([Companion("898600123456789013", "Apple Watch")]).IsSuccess);

        var result = Evaluate(line: line, account: Account(balance: 1m));

        Assert.Equal(2, result.Warnings.Count);
        Assert.False(result.ForcesReview);
    }

    [Fact]
    public void ForceReviewCodes_ExactlyTheFourRiskWarnings()
    {
        string[] expected =
        [
            EligibilityCodes.RecentFraudHold,
            EligibilityCodes.RecentOwnershipChange,
            EligibilityCodes.RecentPasswordReset,
            EligibilityCodes.RecentSimChange,
        ];

        Assert.Equal(expected, EligibilityCodes.ForceReview.Order(StringComparer.Ordinal));
    }

    // ---- MonthsLeft ----

    [Theory]
    [InlineData("2026-03-10", "2026-03-11", 1)] // one day: a started month
    [InlineData("2026-03-10", "2026-04-09", 1)]
    [InlineData("2026-03-10", "2026-04-10", 1)] // exactly one month
    [InlineData("2026-03-10", "2026-04-11", 2)]
    [InlineData("2026-03-10", "2026-06-20", 4)]
    [InlineData("2026-03-10", "2027-03-10", 12)]
    [InlineData("2026-03-10", "2027-03-11", 13)]
    [InlineData("2026-01-31", "2026-02-28", 1)] // shorter month, end day below today's day
    [InlineData("2026-01-31", "2026-03-01", 2)] // a month and a day
    [InlineData("2026-01-30", "2026-02-28", 1)]
    [InlineData("2026-02-28", "2026-03-28", 1)]
    [InlineData("2026-02-28", "2026-03-31", 2)]
    [InlineData("2026-12-15", "2027-01-14", 1)] // across the year end
    [InlineData("2026-12-15", "2027-01-16", 2)]
    [InlineData("2028-02-29", "2029-02-28", 12)] // leap day
    public void MonthsLeft_ContractEndAfterToday_CountsStartedMonthsAsWhole(string today, string end, int expected)
    {
        var culture = System.Globalization.CultureInfo.InvariantCulture;

        Assert.Equal(expected, Eligibility.MonthsLeft(DateOnly.Parse(today, culture), DateOnly.Parse(end, culture)));
    }

    [Theory]
    [InlineData("2026-03-10", "2026-03-10")]
    [InlineData("2026-03-10", "2026-01-01")]
    public void MonthsLeft_EndNotAfterToday_AtLeastOne(string today, string end)
    {
        var culture = System.Globalization.CultureInfo.InvariantCulture;

        Assert.Equal(1, Eligibility.MonthsLeft(DateOnly.Parse(today, culture), DateOnly.Parse(end, culture)));
    }
}
