using LastCall.Domain.Common;
using LastCall.Domain.Lines;

namespace LastCall.Domain.Tests.Lines;

/// <summary>Ownership, service password and risk timestamps of a line: transfer, reset, import, fraud hold.</summary>
public class LineOwnershipTests
{
    private static readonly Msisdn Number = TestData.Msisdn("+8613800000001");
    private static readonly Guid OwnerId = new("0193a1b2-0000-7000-8000-000000000001");
    private static readonly Guid NewOwnerId = new("0193a1b2-0000-7000-8000-000000000002");
    private static readonly DateOnly ActivatedOn = new(2023, 5, 20);
    private static readonly DateTimeOffset ActivatedAt = new(2023, 5, 20, 0, 0, 0, TimeSpan.Zero);

    private static LineDetails Details(DateOnly? activatedOn = null, bool fraudHold = false, DateOnly? simChangedOn = null, string plan = "Unlimited 5G 199") =>
        new(Number, plan, activatedOn ?? ActivatedOn, null, BundleRole.None, null, PortState.None, fraudHold, simChangedOn);

    private static Line NewLine(LineDetails? details = null) =>
        Line.Create(details ?? Details(), OwnerId, "hash-v1", TestData.Now).Value;

    private static Line LineIn(LineStatus status)
    {
        var line = NewLine();
        var result = status switch
        {
            LineStatus.Active => Result.Success,
            LineStatus.Suspended => line.Suspend(TestData.Now),
            LineStatus.Barred => line.Bar(TestData.Now),
            LineStatus.PendingCancellation => line.BeginCancellation(TestData.Now),
            _ => line.BeginCancellation(TestData.Now) is { IsSuccess: true } ? line.CompleteCancellation(TestData.Now) : Result.Failure("setup", "setup"),
        };
        Assert.True(result.IsSuccess);
        Assert.Equal(status, line.Status);
        return line;
    }

    // ---- Create ----

    [Fact]
    public void Create_NewLine_OwnerSinceActivationAndNoRiskTimestamps()
    {
        var line = NewLine();

        Assert.Equal(ActivatedAt, line.OwnerSince);
        Assert.Null(line.ServicePasswordResetAt);
        Assert.Null(line.SimChangedAt);
        Assert.Null(line.FraudHoldReleasedAt);
    }

    [Fact]
    public void Create_SimChangedOnGiven_SetsSimChangedAtMidnightUtc()
    {
        var line = NewLine(Details(simChangedOn: new DateOnly(2025, 2, 14)));

        Assert.Equal(new DateTimeOffset(2025, 2, 14, 0, 0, 0, TimeSpan.Zero), line.SimChangedAt);
    }

    // ---- TransferTo ----

    [Theory]
    [InlineData(LineStatus.Active)]
    [InlineData(LineStatus.Suspended)]
    public void TransferTo_ActiveOrSuspendedLine_MovesOwnerAndReplacesPassword(LineStatus status)
    {
        var line = LineIn(status);

        var result = line.TransferTo(NewOwnerId, "hash-new-owner", TestData.Later);

        Assert.True(result.IsSuccess);
        Assert.Equal(NewOwnerId, line.CustomerId);
        Assert.Equal(TestData.Later, line.OwnerSince);
        Assert.Equal("hash-new-owner", line.ServicePasswordHash);
        Assert.Equal(TestData.Later, line.ServicePasswordChangedAt);
        Assert.Equal(status, line.Status);
    }

    [Fact]
    public void TransferTo_NewOwnerChoosesPassword_NotCountedAsReset()
    {
        var line = NewLine();

        Assert.True(line.TransferTo(NewOwnerId, "hash-new-owner", TestData.Later).IsSuccess);

        Assert.Null(line.ServicePasswordResetAt);
    }

    [Theory]
    [InlineData(LineStatus.Barred)]
    [InlineData(LineStatus.PendingCancellation)]
    [InlineData(LineStatus.Cancelled)]
    public void TransferTo_LineNotActiveOrSuspended_FailsAndChangesNothing(LineStatus status)
    {
        var line = LineIn(status);

        var result = line.TransferTo(NewOwnerId, "hash-new-owner", TestData.Later);

        Assert.False(result.IsSuccess);
        Assert.Equal("invalid_line_status", result.Error!.Code);
        Assert.Contains(status.ToString(), result.Error.Message, StringComparison.Ordinal);
        Assert.Equal(OwnerId, line.CustomerId);
        Assert.Equal(ActivatedAt, line.OwnerSince);
        Assert.Equal("hash-v1", line.ServicePasswordHash);
        Assert.Equal(TestData.Now, line.ServicePasswordChangedAt);
    }

    [Fact]
    public void TransferTo_SameOwner_FailsWithSameOwnerAndKeepsPassword()
    {
        var line = NewLine();

        var result = line.TransferTo(OwnerId, "hash-other", TestData.Later);

        Assert.False(result.IsSuccess);
        Assert.Equal("same_owner", result.Error!.Code);
        Assert.Equal("hash-v1", line.ServicePasswordHash);
        Assert.Equal(ActivatedAt, line.OwnerSince);
    }

    [Fact]
    public void TransferTo_BackToFormerOwner_Succeeds()
    {
        var line = NewLine();
        Assert.True(line.TransferTo(NewOwnerId, "hash-2", TestData.Later).IsSuccess);

        var result = line.TransferTo(OwnerId, "hash-3", TestData.MuchLater);

        Assert.True(result.IsSuccess);
        Assert.Equal(OwnerId, line.CustomerId);
        Assert.Equal(TestData.MuchLater, line.OwnerSince);
        Assert.Equal("hash-3", line.ServicePasswordHash);
    }

    [Fact]
    public void TransferTo_LineOnFraudHold_LineItselfDoesNotRefuse()
    {
        // The fraud-hold rule lives in Alternatives.TransferBlockers, which the transfer handler asks first.
        var line = NewLine(Details(fraudHold: true));

        Assert.True(line.TransferTo(NewOwnerId, "hash-2", TestData.Later).IsSuccess);
        Assert.True(line.FraudHold);
    }

    // ---- ResetServicePassword ----

    [Fact]
    public void ResetServicePassword_Any_SetsHashChangedAtAndResetAt()
    {
        var line = NewLine();

        line.ResetServicePassword("hash-reset", TestData.Later);

        Assert.Equal("hash-reset", line.ServicePasswordHash);
        Assert.Equal(TestData.Later, line.ServicePasswordChangedAt);
        Assert.Equal(TestData.Later, line.ServicePasswordResetAt);
        Assert.Equal(OwnerId, line.CustomerId);
        Assert.Equal(ActivatedAt, line.OwnerSince);
    }

    [Fact]
    public void ResetServicePassword_Twice_KeepsLatest()
    {
        var line = NewLine();

        line.ResetServicePassword("hash-reset-1", TestData.Later);
        line.ResetServicePassword("hash-reset-2", TestData.MuchLater);

        Assert.Equal("hash-reset-2", line.ServicePasswordHash);
        Assert.Equal(TestData.MuchLater, line.ServicePasswordResetAt);
    }

    [Fact]
    public void ResetServicePassword_AfterTransfer_KeepsNewOwnerAndStampsReset()
    {
        var line = NewLine();
        Assert.True(line.TransferTo(NewOwnerId, "hash-2", TestData.Later).IsSuccess);

        line.ResetServicePassword("hash-3", TestData.MuchLater);

        Assert.Equal(NewOwnerId, line.CustomerId);
        Assert.Equal(TestData.Later, line.OwnerSince);
        Assert.Equal(TestData.MuchLater, line.ServicePasswordResetAt);
    }

    // ---- UpdateDetails: owner and dates ----

    [Fact]
    public void UpdateDetails_AnotherCustomer_MovesOwnerAndOwnerSinceToNow()
    {
        var line = NewLine();

        var result = line.UpdateDetails(Details(), NewOwnerId, TestData.Later);

        Assert.True(result.IsSuccess);
        Assert.Equal(NewOwnerId, line.CustomerId);
        Assert.Equal(TestData.Later, line.OwnerSince);
        Assert.Equal("hash-v1", line.ServicePasswordHash);
    }

    [Fact]
    public void UpdateDetails_SameCustomer_KeepsOwnerSince()
    {
        var line = NewLine();

        Assert.True(line.UpdateDetails(Details(plan: "Family 299"), OwnerId, TestData.Later).IsSuccess);

        Assert.Equal(ActivatedAt, line.OwnerSince);
        Assert.Equal("Family 299", line.Plan);
    }

    [Fact]
    public void UpdateDetails_SameCustomerAfterTransfer_KeepsTransferTime()
    {
        var line = NewLine();
        Assert.True(line.TransferTo(NewOwnerId, "hash-2", TestData.Later).IsSuccess);

        Assert.True(line.UpdateDetails(Details(activatedOn: new DateOnly(2023, 5, 1)), NewOwnerId, TestData.MuchLater).IsSuccess);

        Assert.Equal(TestData.Later, line.OwnerSince);
    }

    [Theory]
    [InlineData(2023, 5, 1)] // corrected to an earlier day
    [InlineData(2023, 6, 2)] // corrected to a later day
    public void UpdateDetails_ActivationCorrectedForOriginalOwner_OwnerSinceFollowsActivation(int year, int month, int day)
    {
        var line = NewLine();
        var corrected = new DateOnly(year, month, day);

        Assert.True(line.UpdateDetails(Details(activatedOn: corrected), OwnerId, TestData.Later).IsSuccess);

        Assert.Equal(corrected, line.ActivatedOn);
        Assert.Equal(new DateTimeOffset(corrected.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero), line.OwnerSince);
        Assert.Equal(OwnerId, line.CustomerId);
    }

    [Fact]
    public void UpdateDetails_AnotherCustomerAndCorrectedActivation_OwnerSinceIsNow()
    {
        var line = NewLine();

        Assert.True(line.UpdateDetails(Details(activatedOn: new DateOnly(2023, 5, 1)), NewOwnerId, TestData.Later).IsSuccess);

        Assert.Equal(TestData.Later, line.OwnerSince);
    }

    [Fact]
    public void UpdateDetails_AnotherNumber_FailsAndKeepsOwner()
    {
        var line = NewLine();
        var other = new LineDetails(TestData.Msisdn("+8613900000002"), "Unlimited 5G 199", ActivatedOn, null, BundleRole.None, null, PortState.None, false);

        var result = line.UpdateDetails(other, NewOwnerId, TestData.Later);

        Assert.Equal("msisdn_mismatch", result.Error!.Code);
        Assert.Equal(OwnerId, line.CustomerId);
        Assert.Equal(ActivatedAt, line.OwnerSince);
    }

    [Fact]
    public void UpdateDetails_InvalidDetailsForAnotherCustomer_FailsAndKeepsOwner()
    {
        var line = NewLine();

        var result = line.UpdateDetails(Details(plan: " "), NewOwnerId, TestData.Later);

        Assert.Equal("invalid_plan", result.Error!.Code);
        Assert.Equal(OwnerId, line.CustomerId);
        Assert.Equal(ActivatedAt, line.OwnerSince);
    }

    // ---- UpdateDetails: SIM change ----

    [Fact]
    public void UpdateDetails_SimChangedOn_SetsSimChangedAtMidnightUtc()
    {
        var line = NewLine();

        Assert.True(line.UpdateDetails(Details(simChangedOn: new DateOnly(2025, 2, 27)), OwnerId, TestData.Later).IsSuccess);

        Assert.Equal(new DateTimeOffset(2025, 2, 27, 0, 0, 0, TimeSpan.Zero), line.SimChangedAt);
    }

    [Fact]
    public void UpdateDetails_NewerSimChange_Replaces()
    {
        var line = NewLine(Details(simChangedOn: new DateOnly(2024, 1, 1)));

        Assert.True(line.UpdateDetails(Details(simChangedOn: new DateOnly(2025, 2, 27)), OwnerId, TestData.Later).IsSuccess);

        Assert.Equal(new DateTimeOffset(2025, 2, 27, 0, 0, 0, TimeSpan.Zero), line.SimChangedAt);
    }

    [Fact]
    public void UpdateDetails_WithoutSimChangedOn_KeepsEarlierSimChange()
    {
        // An import that does not carry the SIM-change column must not erase the risk signal.
        var line = NewLine(Details(simChangedOn: new DateOnly(2025, 2, 27)));

        Assert.True(line.UpdateDetails(Details(simChangedOn: null), OwnerId, TestData.Later).IsSuccess);

        Assert.Equal(new DateTimeOffset(2025, 2, 27, 0, 0, 0, TimeSpan.Zero), line.SimChangedAt);
    }

    // ---- fraud hold release ----

    [Fact]
    public void ReleaseFraudHold_OnHold_RecordsReleaseTime()
    {
        var line = NewLine(Details(fraudHold: true));

        Assert.True(line.ReleaseFraudHold(TestData.Later).IsSuccess);

        Assert.False(line.FraudHold);
        Assert.Equal(TestData.Later, line.FraudHoldReleasedAt);
    }

    [Fact]
    public void ReleaseFraudHold_NotOnHold_FailsAndRecordsNothing()
    {
        var line = NewLine();

        var result = line.ReleaseFraudHold(TestData.Later);

        Assert.Equal("not_on_hold", result.Error!.Code);
        Assert.Null(line.FraudHoldReleasedAt);
    }

    [Fact]
    public void ReleaseFraudHold_HoldPlacedAgainAndReleased_KeepsLatestRelease()
    {
        var line = NewLine(Details(fraudHold: true));
        Assert.True(line.ReleaseFraudHold(TestData.Later).IsSuccess);
        Assert.True(line.PlaceFraudHold().IsSuccess);

        Assert.True(line.ReleaseFraudHold(TestData.MuchLater).IsSuccess);

        Assert.Equal(TestData.MuchLater, line.FraudHoldReleasedAt);
    }

    [Fact]
    public void PlaceFraudHold_AfterRelease_KeepsReleaseTime()
    {
        var line = NewLine(Details(fraudHold: true));
        Assert.True(line.ReleaseFraudHold(TestData.Later).IsSuccess);

        Assert.True(line.PlaceFraudHold().IsSuccess);

        Assert.True(line.FraudHold);
        Assert.Equal(TestData.Later, line.FraudHoldReleasedAt);
    }

    [Fact]
    public void UpdateDetails_ImportLiftsFraudHold_RecordsReleaseTime()
    {
        // The operator's system of record lifts holds through the import; that is as much a release as
        // ReleaseFraudHold and must feed the recent_fraud_hold risk rule.
        var line = NewLine(Details(fraudHold: true));

        Assert.True(line.UpdateDetails(Details(fraudHold: false), OwnerId, TestData.Later).IsSuccess);

        Assert.False(line.FraudHold);
        Assert.Equal(TestData.Later, line.FraudHoldReleasedAt);
    }

    [Fact]
    public void UpdateDetails_ImportKeepsFraudHold_RecordsNoRelease()
    {
        var line = NewLine(Details(fraudHold: true));

        Assert.True(line.UpdateDetails(Details(fraudHold: true), OwnerId, TestData.Later).IsSuccess);

        Assert.True(line.FraudHold);
        Assert.Null(line.FraudHoldReleasedAt);
    }

    [Fact]
    public void UpdateDetails_ImportPlacesFraudHold_RecordsNoRelease()
    {
        var line = NewLine();

        Assert.True(line.UpdateDetails(Details(fraudHold: true), OwnerId, TestData.Later).IsSuccess);

        Assert.True(line.FraudHold);
        Assert.Null(line.FraudHoldReleasedAt);
    }

    [Fact]
    public void UpdateDetails_NeverOnHold_KeepsEarlierRelease()
    {
        var line = NewLine(Details(fraudHold: true));
        Assert.True(line.ReleaseFraudHold(TestData.Later).IsSuccess);

        Assert.True(line.UpdateDetails(Details(fraudHold: false), OwnerId, TestData.MuchLater).IsSuccess);

        Assert.Equal(TestData.Later, line.FraudHoldReleasedAt);
    }

    [Fact]
    public void UpdateDetails_InvalidDetailsOnHeldLine_KeepsHoldAndRecordsNoRelease()
    {
        var line = NewLine(Details(fraudHold: true));

        Assert.Equal("invalid_plan", line.UpdateDetails(Details(fraudHold: false, plan: ""), OwnerId, TestData.Later).Error!.Code);

        Assert.True(line.FraudHold);
        Assert.Null(line.FraudHoldReleasedAt);
    }
}
