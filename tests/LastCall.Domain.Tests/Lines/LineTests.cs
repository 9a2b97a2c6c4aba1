using LastCall.Domain.Common;
using LastCall.Domain.Lines;

namespace LastCall.Domain.Tests.Lines;

public class LineTests
{
    private static readonly Msisdn Number = TestData.Msisdn("+8613800000001");
    private static readonly Msisdn OtherNumber = TestData.Msisdn("+8613900000002");
    private static readonly Guid CustomerId = new("0193a1b2-0000-7000-8000-000000000001");
    private static readonly Guid OtherCustomerId = new("0193a1b2-0000-7000-8000-000000000002");
    private static readonly DateOnly ActivatedOn = new(2023, 5, 20);

    private static readonly Iccid IccidA = TestData.Iccid("898600123456789012");
    private static readonly Iccid IccidB = TestData.Iccid("898600123456789013");
    private static readonly Iccid IccidC = TestData.Iccid("8986001234567890140");
    private static readonly Eid EidA = TestData.Eid("890490320000000000123456789012");
    private static readonly Eid EidB = TestData.Eid("890490320000000000999999999999");

    private static LineDetails Details(
        string plan = "Unlimited 5G 199",
        DateOnly? contractEndsOn = null,
        BundleRole bundleRole = BundleRole.None,
        Msisdn? bundlePrimary = null,
        PortState portState = PortState.None,
        bool fraudHold = false,
        Msisdn? msisdn = null) =>
        new(msisdn ?? Number, plan, ActivatedOn, contractEndsOn, bundleRole, bundlePrimary, portState, fraudHold);

    private static Line NewLine(LineDetails? details = null) =>
        Line.Create(details ?? Details(), CustomerId, "hash-v1", TestData.Now).Value;

    private static Line LineIn(LineStatus status)
    {
        var line = NewLine();
        switch (status)
        {
            case LineStatus.Suspended:
                Assert.True(line.Suspend(TestData.Now).IsSuccess);
                break;
            case LineStatus.Barred:
                Assert.True(line.Bar(TestData.Now).IsSuccess);
                break;
            case LineStatus.PendingCancellation:
                Assert.True(line.BeginCancellation(TestData.Now).IsSuccess);
                break;
            case LineStatus.Cancelled:
                Assert.True(line.BeginCancellation(TestData.Now).IsSuccess);
                Assert.True(line.CompleteCancellation(TestData.Now).IsSuccess);
                break;
        }
        Assert.Equal(status, line.Status);
        Assert.Equal(TestData.Now, line.StatusChangedAt);
        return line;
    }

    private static Result Apply(Line line, string operation, DateTimeOffset at) => operation switch
    {
        nameof(Line.Suspend) => line.Suspend(at),
        nameof(Line.Resume) => line.Resume(at),
        nameof(Line.Bar) => line.Bar(at),
        nameof(Line.Unbar) => line.Unbar(at),
        nameof(Line.BeginCancellation) => line.BeginCancellation(at),
        nameof(Line.AbortCancellation) => line.AbortCancellation(at),
        nameof(Line.CompleteCancellation) => line.CompleteCancellation(at),
        _ => throw new ArgumentOutOfRangeException(nameof(operation)),
    };

    // ---- Create ----

    [Fact]
    public void Create_ValidDetails_SucceedsActive()
    {
        var contractEnd = new DateOnly(2025, 5, 19);

        var result = Line.Create(Details(plan: "  Unlimited 5G 199  ", contractEndsOn: contractEnd), CustomerId, "hash-v1", TestData.Now);

        Assert.True(result.IsSuccess);
        var line = result.Value;
        Assert.NotEqual(Guid.Empty, line.Id);
        Assert.Equal(7, line.Id.Version);
        Assert.Equal(Number, line.Msisdn);
        Assert.Equal(CustomerId, line.CustomerId);
        Assert.Equal("Unlimited 5G 199", line.Plan);
        Assert.Equal(ActivatedOn, line.ActivatedOn);
        Assert.Equal(contractEnd, line.ContractEndsOn);
        Assert.Equal(BundleRole.None, line.BundleRole);
        Assert.Null(line.BundlePrimary);
        Assert.Equal(PortState.None, line.PortState);
        Assert.False(line.FraudHold);
        Assert.Equal(LineStatus.Active, line.Status);
        Assert.Null(line.StatusBeforeCancellation);
        Assert.Equal(TestData.Now, line.StatusChangedAt);
        Assert.Equal("hash-v1", line.ServicePasswordHash);
        Assert.Equal(TestData.Now, line.ServicePasswordChangedAt);
        Assert.Null(line.ImportRunId);
        Assert.Empty(line.Profiles);
    }

    [Fact]
    public void Create_BundleMemberWithPrimary_KeepsPrimary()
    {
        var line = NewLine(Details(bundleRole: BundleRole.Member, bundlePrimary: OtherNumber));

        Assert.Equal(BundleRole.Member, line.BundleRole);
        Assert.Equal(OtherNumber, line.BundlePrimary);
    }

    [Fact]
    public void Create_BundlePrimaryRoleWithoutPrimaryNumber_Succeeds()
    {
        var result = Line.Create(Details(bundleRole: BundleRole.Primary), CustomerId, "hash-v1", TestData.Now);

        Assert.True(result.IsSuccess);
        Assert.Equal(BundleRole.Primary, result.Value.BundleRole);
        Assert.Null(result.Value.BundlePrimary);
    }

    [Fact]
    public void Create_PortInPendingAndFraudHold_CopiesFlags()
    {
        var line = NewLine(Details(portState: PortState.PortInPending, fraudHold: true));

        Assert.Equal(PortState.PortInPending, line.PortState);
        Assert.True(line.FraudHold);
    }

    [Fact]
    public void Create_ContractEndingOnActivationDay_Succeeds()
    {
        var result = Line.Create(Details(contractEndsOn: ActivatedOn), CustomerId, "hash-v1", TestData.Now);

        Assert.True(result.IsSuccess);
        Assert.Equal(ActivatedOn, result.Value.ContractEndsOn);
    }

    [Fact]
    public void Create_PlanOfMaxLength_Succeeds()
    {
        var plan = new string('p', Line.MaxPlanLength);

        var result = Line.Create(Details(plan: plan), CustomerId, "hash-v1", TestData.Now);

        Assert.True(result.IsSuccess);
        Assert.Equal(plan, result.Value.Plan);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("ppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppp")]
    public void Create_InvalidPlan_FailsWithInvalidPlan(string plan)
    {
        var result = Line.Create(Details(plan: plan), CustomerId, "hash-v1", TestData.Now);

        Assert.False(result.IsSuccess);
        Assert.Equal("invalid_plan", result.Error!.Code);
    }

    [Fact]
    public void Create_ContractEndsBeforeActivation_FailsWithInvalidDate()
    {
        var result = Line.Create(Details(contractEndsOn: ActivatedOn.AddDays(-1)), CustomerId, "hash-v1", TestData.Now);

        Assert.False(result.IsSuccess);
        Assert.Equal("invalid_date", result.Error!.Code);
    }

    [Theory]
    [InlineData(BundleRole.None)]
    [InlineData(BundleRole.Primary)]
    public void Create_BundlePrimaryOnNonMember_FailsWithInvalidBundleRole(BundleRole role)
    {
        var result = Line.Create(Details(bundleRole: role, bundlePrimary: OtherNumber), CustomerId, "hash-v1", TestData.Now);

        Assert.False(result.IsSuccess);
        Assert.Equal("invalid_bundle_role", result.Error!.Code);
        Assert.Contains("Only a bundle member", result.Error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Create_OwnNumberAsBundlePrimary_FailsWithInvalidBundleRole()
    {
        var result = Line.Create(Details(bundleRole: BundleRole.Member, bundlePrimary: TestData.Msisdn("+8613800000001")), CustomerId, "hash-v1", TestData.Now);

        Assert.False(result.IsSuccess);
        Assert.Equal("invalid_bundle_role", result.Error!.Code);
        Assert.Contains("own bundle primary", result.Error.Message, StringComparison.Ordinal);
    }

    // ---- Status transitions ----

    [Theory]
    [InlineData(LineStatus.Active, nameof(Line.Suspend), LineStatus.Suspended)]
    [InlineData(LineStatus.Suspended, nameof(Line.Resume), LineStatus.Active)]
    [InlineData(LineStatus.Active, nameof(Line.Bar), LineStatus.Barred)]
    [InlineData(LineStatus.Barred, nameof(Line.Unbar), LineStatus.Active)]
    [InlineData(LineStatus.Active, nameof(Line.BeginCancellation), LineStatus.PendingCancellation)]
    [InlineData(LineStatus.Suspended, nameof(Line.BeginCancellation), LineStatus.PendingCancellation)]
    [InlineData(LineStatus.PendingCancellation, nameof(Line.CompleteCancellation), LineStatus.Cancelled)]
    [InlineData(LineStatus.PendingCancellation, nameof(Line.AbortCancellation), LineStatus.Active)]
    public void Transition_AllowedFromStatus_MovesAndStampsTime(LineStatus from, string operation, LineStatus expected)
    {
        var line = LineIn(from);

        var result = Apply(line, operation, TestData.Later);

        Assert.True(result.IsSuccess);
        Assert.Null(result.Error);
        Assert.Equal(expected, line.Status);
        Assert.Equal(TestData.Later, line.StatusChangedAt);
    }

    [Theory]
    [InlineData(LineStatus.Active, nameof(Line.Resume))]
    [InlineData(LineStatus.Active, nameof(Line.Unbar))]
    [InlineData(LineStatus.Active, nameof(Line.AbortCancellation))]
    [InlineData(LineStatus.Active, nameof(Line.CompleteCancellation))]
    [InlineData(LineStatus.Suspended, nameof(Line.Suspend))]
    [InlineData(LineStatus.Suspended, nameof(Line.Bar))]
    [InlineData(LineStatus.Suspended, nameof(Line.Unbar))]
    [InlineData(LineStatus.Suspended, nameof(Line.AbortCancellation))]
    [InlineData(LineStatus.Suspended, nameof(Line.CompleteCancellation))]
    [InlineData(LineStatus.Barred, nameof(Line.Suspend))]
    [InlineData(LineStatus.Barred, nameof(Line.Resume))]
    [InlineData(LineStatus.Barred, nameof(Line.Bar))]
    [InlineData(LineStatus.Barred, nameof(Line.BeginCancellation))]
    [InlineData(LineStatus.Barred, nameof(Line.AbortCancellation))]
    [InlineData(LineStatus.Barred, nameof(Line.CompleteCancellation))]
    [InlineData(LineStatus.PendingCancellation, nameof(Line.Suspend))]
    [InlineData(LineStatus.PendingCancellation, nameof(Line.Resume))]
    [InlineData(LineStatus.PendingCancellation, nameof(Line.Bar))]
    [InlineData(LineStatus.PendingCancellation, nameof(Line.Unbar))]
    [InlineData(LineStatus.PendingCancellation, nameof(Line.BeginCancellation))]
    [InlineData(LineStatus.Cancelled, nameof(Line.Suspend))]
    [InlineData(LineStatus.Cancelled, nameof(Line.Resume))]
    [InlineData(LineStatus.Cancelled, nameof(Line.Bar))]
    [InlineData(LineStatus.Cancelled, nameof(Line.Unbar))]
    [InlineData(LineStatus.Cancelled, nameof(Line.BeginCancellation))]
    [InlineData(LineStatus.Cancelled, nameof(Line.AbortCancellation))]
    [InlineData(LineStatus.Cancelled, nameof(Line.CompleteCancellation))]
    public void Transition_NotAllowedFromStatus_FailsWithInvalidLineStatusAndChangesNothing(LineStatus from, string operation)
    {
        var line = LineIn(from);
        var before = line.StatusBeforeCancellation;

        var result = Apply(line, operation, TestData.Later);

        Assert.False(result.IsSuccess);
        Assert.Equal("invalid_line_status", result.Error!.Code);
        Assert.Equal(from, line.Status);
        Assert.Equal(TestData.Now, line.StatusChangedAt);
        Assert.Equal(before, line.StatusBeforeCancellation);
    }

    [Fact]
    public void Suspend_Barred_FailsWithMessageNamingStatus()
    {
        var line = LineIn(LineStatus.Barred);

        var result = line.Suspend(TestData.Later);

        Assert.Equal("invalid_line_status", result.Error!.Code);
        Assert.Contains("Only an active line can be suspended.", result.Error.Message, StringComparison.Ordinal);
        Assert.Contains("Barred", result.Error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(LineStatus.Active)]
    [InlineData(LineStatus.Suspended)]
    public void BeginCancellation_FromActiveOrSuspended_RemembersStatusBefore(LineStatus from)
    {
        var line = LineIn(from);

        var result = line.BeginCancellation(TestData.Later);

        Assert.True(result.IsSuccess);
        Assert.Equal(LineStatus.PendingCancellation, line.Status);
        Assert.Equal(from, line.StatusBeforeCancellation);
    }

    [Theory]
    [InlineData(LineStatus.Active)]
    [InlineData(LineStatus.Suspended)]
    public void AbortCancellation_Pending_ReturnsToStatusBefore(LineStatus from)
    {
        var line = LineIn(from);
        Assert.True(line.BeginCancellation(TestData.Later).IsSuccess);

        var result = line.AbortCancellation(TestData.MuchLater);

        Assert.True(result.IsSuccess);
        Assert.Equal(from, line.Status);
        Assert.Null(line.StatusBeforeCancellation);
        Assert.Equal(TestData.MuchLater, line.StatusChangedAt);
    }

    [Fact]
    public void CompleteCancellation_Pending_CancelsAndClearsStatusBefore()
    {
        var line = LineIn(LineStatus.Suspended);
        Assert.True(line.BeginCancellation(TestData.Later).IsSuccess);

        var result = line.CompleteCancellation(TestData.MuchLater);

        Assert.True(result.IsSuccess);
        Assert.Equal(LineStatus.Cancelled, line.Status);
        Assert.Null(line.StatusBeforeCancellation);
        Assert.Equal(TestData.MuchLater, line.StatusChangedAt);
    }

    [Fact]
    public void CompleteCancellation_Active_FailsWithInvalidLineStatus()
    {
        var line = NewLine();

        var result = line.CompleteCancellation(TestData.Later);

        Assert.Equal("invalid_line_status", result.Error!.Code);
        Assert.Equal(LineStatus.Active, line.Status);
    }

    [Fact]
    public void BeginCancellation_Barred_FailsWithInvalidLineStatus()
    {
        var line = LineIn(LineStatus.Barred);

        var result = line.BeginCancellation(TestData.Later);

        Assert.Equal("invalid_line_status", result.Error!.Code);
        Assert.Contains("Barred", result.Error.Message, StringComparison.Ordinal);
        Assert.Null(line.StatusBeforeCancellation);
    }

    [Fact]
    public void SuspendResumeBarUnbar_Sequence_StampsEachChange()
    {
        var line = NewLine();
        var t1 = new DateTimeOffset(2025, 4, 1, 0, 0, 0, TimeSpan.Zero);
        var t2 = new DateTimeOffset(2025, 4, 2, 0, 0, 0, TimeSpan.Zero);
        var t3 = new DateTimeOffset(2025, 4, 3, 0, 0, 0, TimeSpan.Zero);
        var t4 = new DateTimeOffset(2025, 4, 4, 0, 0, 0, TimeSpan.Zero);

        Assert.True(line.Suspend(t1).IsSuccess);
        Assert.Equal(t1, line.StatusChangedAt);
        Assert.True(line.Resume(t2).IsSuccess);
        Assert.Equal(t2, line.StatusChangedAt);
        Assert.True(line.Bar(t3).IsSuccess);
        Assert.Equal(t3, line.StatusChangedAt);
        Assert.True(line.Unbar(t4).IsSuccess);
        Assert.Equal(t4, line.StatusChangedAt);
        Assert.Equal(LineStatus.Active, line.Status);
    }

    // ---- Fraud hold ----

    [Fact]
    public void PlaceFraudHold_NotOnHold_PlacesHold()
    {
        var line = NewLine();

        var result = line.PlaceFraudHold();

        Assert.True(result.IsSuccess);
        Assert.True(line.FraudHold);
    }

    [Fact]
    public void PlaceFraudHold_Twice_FailsWithAlreadyOnHold()
    {
        var line = NewLine();
        Assert.True(line.PlaceFraudHold().IsSuccess);

        var result = line.PlaceFraudHold();

        Assert.Equal("already_on_hold", result.Error!.Code);
        Assert.True(line.FraudHold);
    }

    [Fact]
    public void ReleaseFraudHold_OnHold_ReleasesHold()
    {
        var line = NewLine(Details(fraudHold: true));

        var result = line.ReleaseFraudHold(TestData.Later);

        Assert.True(result.IsSuccess);
        Assert.False(line.FraudHold);
    }

    [Fact]
    public void ReleaseFraudHold_NotOnHold_FailsWithNotOnHold()
    {
        var line = NewLine();

        var result = line.ReleaseFraudHold(TestData.Later);

        Assert.Equal("not_on_hold", result.Error!.Code);
        Assert.False(line.FraudHold);
    }

    [Fact]
    public void ReleaseFraudHold_Twice_SecondFailsWithNotOnHold()
    {
        var line = NewLine();
        Assert.True(line.PlaceFraudHold().IsSuccess);
        Assert.True(line.ReleaseFraudHold(TestData.Later).IsSuccess);

        var result = line.ReleaseFraudHold(TestData.Later);

        Assert.Equal("not_on_hold", result.Error!.Code);
        Assert.False(line.FraudHold);
    }

    // ---- Profiles ----

    [Fact]
    public void SetProfiles_NewProfiles_AddsThem()
    {
        var line = NewLine();

        var result = line.SetProfiles(
        [
            new ProfileSpec(IccidA, EidA, ProfileRole.Primary, "  iPhone 16  "),
            new ProfileSpec(IccidB, null, ProfileRole.Companion, "Apple Watch", ProfileState.Released),
        ]);

        Assert.True(result.IsSuccess);
        Assert.Equal(2, line.Profiles.Count);
        var primary = Assert.Single(line.Profiles, p => p.Iccid == IccidA);
        Assert.Equal(line.Id, primary.LineId);
        Assert.NotEqual(Guid.Empty, primary.Id);
        Assert.Equal(EidA, primary.Eid);
        Assert.Equal(ProfileRole.Primary, primary.Role);
        Assert.Equal("iPhone 16", primary.DeviceLabel);
        Assert.Equal(ProfileState.Installed, primary.State);
        var companion = Assert.Single(line.Profiles, p => p.Iccid == IccidB);
        Assert.Null(companion.Eid);
        Assert.Equal(ProfileRole.Companion, companion.Role);
        Assert.Equal("Apple Watch", companion.DeviceLabel);
        Assert.Equal(ProfileState.Released, companion.State);
    }

    [Fact]
    public void SetProfiles_ExistingIccid_UpdatesInPlace()
    {
        var line = NewLine();
        Assert.True(line.SetProfiles([new ProfileSpec(IccidA, null, ProfileRole.Companion, "Watch", ProfileState.Downloaded)]).IsSuccess);
        var originalId = line.Profiles[0].Id;

        var result = line.SetProfiles([new ProfileSpec(IccidA, EidB, ProfileRole.Primary, "Phone", ProfileState.Installed)]);

        Assert.True(result.IsSuccess);
        var profile = Assert.Single(line.Profiles);
        Assert.Equal(originalId, profile.Id);
        Assert.Equal(IccidA, profile.Iccid);
        Assert.Equal(EidB, profile.Eid);
        Assert.Equal(ProfileRole.Primary, profile.Role);
        Assert.Equal("Phone", profile.DeviceLabel);
        Assert.Equal(ProfileState.Installed, profile.State);
    }

    [Fact]
    public void SetProfiles_IccidMissingFromList_RemovesIt()
    {
        var line = NewLine();
        Assert.True(line.SetProfiles(
        [
            new ProfileSpec(IccidA, EidA, ProfileRole.Primary, "Phone"),
            new ProfileSpec(IccidB, null, ProfileRole.Companion, "Watch"),
        ]).IsSuccess);

        var result = line.SetProfiles(
        [
            new ProfileSpec(IccidA, EidA, ProfileRole.Primary, "Phone"),
            new ProfileSpec(IccidC, null, ProfileRole.Companion, "Tablet"),
        ]);

        Assert.True(result.IsSuccess);
        Assert.Equal(2, line.Profiles.Count);
        Assert.Contains(line.Profiles, p => p.Iccid == IccidA);
        Assert.Contains(line.Profiles, p => p.Iccid == IccidC && p.DeviceLabel == "Tablet");
        Assert.DoesNotContain(line.Profiles, p => p.Iccid == IccidB);
    }

    [Fact]
    public void SetProfiles_EmptyList_RemovesAll()
    {
        var line = NewLine();
        Assert.True(line.SetProfiles([new ProfileSpec(IccidA, EidA, ProfileRole.Primary, "Phone")]).IsSuccess);

        var result = line.SetProfiles([]);

        Assert.True(result.IsSuccess);
        Assert.Empty(line.Profiles);
    }

    [Fact]
    public void SetProfiles_NoPrimary_Succeeds()
    {
        var line = NewLine();

        var result = line.SetProfiles(
        [
            new ProfileSpec(IccidA, null, ProfileRole.Companion, "Watch"),
            new ProfileSpec(IccidB, null, ProfileRole.Companion, "Tablet"),
        ]);

        Assert.True(result.IsSuccess);
        Assert.All(line.Profiles, p => Assert.Equal(ProfileRole.Companion, p.Role));
    }

    [Fact]
    public void SetProfiles_TwoPrimaries_FailsAndKeepsExistingProfiles()
    {
        var line = NewLine();
        Assert.True(line.SetProfiles([new ProfileSpec(IccidC, null, ProfileRole.Companion, "Watch")]).IsSuccess);

        var result = line.SetProfiles(
        [
            new ProfileSpec(IccidA, EidA, ProfileRole.Primary, "Phone"),
            new ProfileSpec(IccidB, EidB, ProfileRole.Primary, "Other phone"),
        ]);

        Assert.False(result.IsSuccess);
        Assert.Equal("invalid_profile", result.Error!.Code);
        Assert.Contains("at most one primary", result.Error.Message, StringComparison.Ordinal);
        var kept = Assert.Single(line.Profiles);
        Assert.Equal(IccidC, kept.Iccid);
    }

    [Fact]
    public void SetProfiles_DuplicateIccid_FailsAndAddsNothing()
    {
        var line = NewLine();

        var result = line.SetProfiles(
        [
            new ProfileSpec(IccidA, EidA, ProfileRole.Primary, "Phone"),
            new ProfileSpec(TestData.Iccid("898600123456789012"), null, ProfileRole.Companion, "Watch"),
        ]);

        Assert.False(result.IsSuccess);
        Assert.Equal("invalid_profile", result.Error!.Code);
        Assert.Contains("ICCID is listed twice", result.Error.Message, StringComparison.Ordinal);
        Assert.Empty(line.Profiles);
    }

    [Fact]
    public void SetProfiles_DeviceLabelTooLong_FailsAndAddsNothing()
    {
        var line = NewLine();

        var result = line.SetProfiles([new ProfileSpec(IccidA, EidA, ProfileRole.Primary, new string('d', EsimProfile.MaxDeviceLabelLength + 1))]);

        Assert.False(result.IsSuccess);
        Assert.Equal("invalid_profile", result.Error!.Code);
        Assert.Empty(line.Profiles);
    }

    [Fact]
    public void SetProfiles_DeviceLabelOfMaxLength_Succeeds()
    {
        var line = NewLine();
        var label = new string('d', EsimProfile.MaxDeviceLabelLength);

        var result = line.SetProfiles([new ProfileSpec(IccidA, EidA, ProfileRole.Primary, label)]);

        Assert.True(result.IsSuccess);
        Assert.Equal(label, Assert.Single(line.Profiles).DeviceLabel);
    }

    // ---- Details, password, import ----

    [Fact]
    public void UpdateDetails_AnotherNumber_FailsWithMsisdnMismatchAndChangesNothing()
    {
        var line = NewLine();

        var result = line.UpdateDetails(Details(plan: "Basic 39", msisdn: OtherNumber), OtherCustomerId, TestData.Later);

        Assert.False(result.IsSuccess);
        Assert.Equal("msisdn_mismatch", result.Error!.Code);
        Assert.Equal("Unlimited 5G 199", line.Plan);
        Assert.Equal(CustomerId, line.CustomerId);
        Assert.Equal(Number, line.Msisdn);
    }

    [Fact]
    public void UpdateDetails_SameNumber_AppliesDetailsAndOwner()
    {
        var line = NewLine(Details(bundleRole: BundleRole.Member, bundlePrimary: OtherNumber));
        var contractEnd = new DateOnly(2026, 1, 31);

        var result = line.UpdateDetails(
            Details(plan: " Basic 39 ", contractEndsOn: contractEnd, bundleRole: BundleRole.Primary, portState: PortState.PortInPending, fraudHold: true),
            OtherCustomerId, TestData.Later);

        Assert.True(result.IsSuccess);
        Assert.Equal("Basic 39", line.Plan);
        Assert.Equal(contractEnd, line.ContractEndsOn);
        Assert.Equal(BundleRole.Primary, line.BundleRole);
        Assert.Null(line.BundlePrimary);
        Assert.Equal(PortState.PortInPending, line.PortState);
        Assert.True(line.FraudHold);
        Assert.Equal(OtherCustomerId, line.CustomerId);
        Assert.Equal(LineStatus.Active, line.Status);
        Assert.Equal(TestData.Now, line.StatusChangedAt);
    }

    [Fact]
    public void UpdateDetails_InvalidDetails_FailsAndChangesNothing()
    {
        var line = NewLine();

        var result = line.UpdateDetails(Details(plan: " "), OtherCustomerId, TestData.Later);

        Assert.Equal("invalid_plan", result.Error!.Code);
        Assert.Equal("Unlimited 5G 199", line.Plan);
        Assert.Equal(CustomerId, line.CustomerId);
    }

    [Fact]
    public void UpdateDetails_ContractBeforeActivation_FailsWithInvalidDate()
    {
        var line = NewLine();

        var result = line.UpdateDetails(Details(contractEndsOn: ActivatedOn.AddDays(-30)), CustomerId, TestData.Later);

        Assert.Equal("invalid_date", result.Error!.Code);
        Assert.Null(line.ContractEndsOn);
    }

    [Fact]
    public void ResetServicePassword_NewHash_ReplacesHashAndRecordsReset()
    {
        var line = NewLine();

        line.ResetServicePassword("hash-v2", TestData.Later);

        Assert.Equal("hash-v2", line.ServicePasswordHash);
        Assert.Equal(TestData.Later, line.ServicePasswordChangedAt);
        Assert.Equal(TestData.Now, line.StatusChangedAt);
    }

    [Fact]
    public void MarkImported_RunId_RecordsIt()
    {
        var line = NewLine();
        var runId = new Guid("0193a1b2-0000-7000-8000-0000000000aa");

        line.MarkImported(runId);

        Assert.Equal(runId, line.ImportRunId);
    }

    [Fact]
    public void IncrementVersion_Called_BumpsVersion()
    {
        var line = NewLine();

        line.IncrementVersion();
        line.IncrementVersion();

        Assert.Equal(2, line.Version);
    }
}
