using LastCall.Domain.Cancellations;
using LastCall.Domain.Lines;
using LastCall.Domain.Numbers;
using static LastCall.Domain.Tests.Cancellations.CancellationTestData;

namespace LastCall.Domain.Tests.Cancellations;

/// <summary>The port-out's rules: the authorization code, the blockers, the request of kind port_out, the number's hand-over.</summary>
public class PortOutTests
{
    private const string Code = "code-hash";

    private static IReadOnlyList<string> Blockers(Line? line = null, bool locked = false, decimal arrears = 0m, bool authorized = true, bool? identityMatches = true,
        DateOnly? lastPortedOn = null) =>
        [.. PortOutEligibility.Blockers(line ?? NewLine(), Owner(locked), Account(arrears: arrears), authorized, identityMatches, lastPortedOn, 120, Today).Select(b => b.Code)];

    [Fact]
    public void AuthorizationCode_IsCheckedWithoutBeingUsedUp_ExpiresAndIsVoidAfterFiveWrongTries()
    {
        var line = NewLine();
        Assert.False(line.CheckPortAuthorization(Code, Now));
        line.GrantPortAuthorization(Code, Now.AddHours(1));
        Assert.True(line.CheckPortAuthorization(Code, Now));
        Assert.True(line.CheckPortAuthorization(Code, Now));
        Assert.False(line.CheckPortAuthorization(Code, Now.AddHours(1)));

        for (var i = 0; i < Line.MaxPortAuthorizationFailures - 1; i++)
            Assert.False(line.CheckPortAuthorization("wrong", Now));
        Assert.True(line.CheckPortAuthorization(Code, Now));
        Assert.False(line.CheckPortAuthorization("wrong", Now));
        Assert.False(line.CheckPortAuthorization(Code, Now));

        line.GrantPortAuthorization(Code, Now.AddHours(1));
        Assert.True(line.CheckPortAuthorization(Code, Now));
        line.VoidPortAuthorization();
        Assert.False(line.CheckPortAuthorization(Code, Now));
    }

    [Fact]
    public void Blockers_AreAllGivenAtOnce_ButAWrongCodeIsTheOnlyOneTold()
    {
        Assert.Empty(Blockers());
        var blocked = NewLine(Details(contractEndsOn: Today.AddMonths(3), fraudHold: true));
        Assert.Equal(["arrears", "contract_commitment", "fraud_hold", "account_locked", "real_name_mismatch"],
            Blockers(blocked, locked: true, arrears: 12.5m, identityMatches: false));
        Assert.Equal(["invalid_authorization_code"], Blockers(blocked, locked: true, arrears: 12.5m, authorized: false, identityMatches: false));
    }

    [Fact]
    public void Blockers_NameTheLinesStateAndARecentPort()
    {
        Assert.Equal(["cancellation_pending"], Blockers(LineIn(LineStatus.PendingCancellation)));
        Assert.Equal(["not_active"], Blockers(LineIn(LineStatus.Barred)));
        Assert.Empty(Blockers(LineIn(LineStatus.Suspended)));
        Assert.Equal(["recent_port"], Blockers(lastPortedOn: Today.AddDays(-119)));
        Assert.Empty(Blockers(lastPortedOn: Today.AddDays(-120)));
        Assert.Equal(["recent_port"], Blockers(NewLine(Details(portState: PortState.PortInPending))));
    }

    [Fact]
    public void SubmitPortOut_IsApprovedAtOnce_DueAtPortAt_WithoutNoticeOrCoolingOff()
    {
        var portAt = Now.AddDays(2);
        var request = CancellationRequest.SubmitPortOut(Guid.NewGuid(), Number, OwnerId, "  Recipient Mobile ", portAt, "partner:p", Today, Now).Value;
        Assert.Equal((RequestKind.PortOut, CancellationStatus.Approved, CancellationChannel.Porting), (request.Kind, request.Status, request.Channel));
        Assert.Equal("Recipient Mobile", request.RecipientOperator);
        Assert.Equal(portAt, request.PortAt);
        Assert.Equal(portAt, request.NextAttemptAt);
        Assert.Equal(DateOnly.FromDateTime(portAt.UtcDateTime), request.EffectiveOn);
        Assert.False(request.NeedsApprovalNotice);
        Assert.Null(request.CoolingOffEnds(TimeSpan.FromDays(1), Now));
        Assert.Equal("port_out.completed", request.EventName("completed"));
        Assert.Equal([StepName.FinalBill, StepName.ReleaseProfiles, StepName.DeprovisionNetwork, StepName.HandOverNumber], ExecutionStep.StepsOf(request.Kind));

        var atOnce = CancellationRequest.SubmitPortOut(Guid.NewGuid(), Number, OwnerId, "Recipient Mobile", null, "partner:p", Today, Now).Value;
        Assert.Null(atOnce.PortAt);
        Assert.Equal(Now, atOnce.NextAttemptAt);
        Assert.Equal(Today, atOnce.EffectiveOn);
    }

    [Theory]
    [InlineData(null, 0)]
    [InlineData("", 0)]
    [InlineData("Recipient\nMobile", 0)]
    [InlineData("Recipient Mobile", 31)]
    [InlineData("Recipient Mobile", -1)]
    public void SubmitPortOut_RefusesAMissingRecipientOrAPortAtOutsideTheNextThirtyDays(string? recipient, int days)
    {
        var portAt = days == 0 ? (DateTimeOffset?)null : Now.AddDays(days);
        var refused = CancellationRequest.SubmitPortOut(Guid.NewGuid(), Number, OwnerId, recipient, portAt, "partner:p", Today, Now);
        Assert.False(refused.IsSuccess);
        Assert.Equal(recipient is null or "" || recipient.Contains('\n') ? "invalid_recipient_operator" : "invalid_port_at", refused.Error!.Code);
    }

    [Fact]
    public void Number_IsHandedOverWithoutQuarantine_AndCanComeBack()
    {
        var number = PoolNumber.NewlyAssigned(Number, Now);
        Assert.True(number.PortOut(Now).IsSuccess);
        Assert.Equal(NumberState.PortedOut, number.State);
        Assert.Null(number.QuarantinedUntil);
        Assert.False(number.Assign(Now).IsSuccess);
        Assert.False(number.PortOut(Now).IsSuccess);
        Assert.True(number.PortBackIn(Now).IsSuccess);
        Assert.Equal(NumberState.Assigned, number.State);

        var line = LineIn(LineStatus.PortedOut);
        Assert.True(line.HasEnded);
        Assert.False(LineIn(LineStatus.Active).CompletePortOut(Now).IsSuccess);
    }
}
