using LastCall.Domain.Numbers;

namespace LastCall.Domain.Tests.Numbers;

public class PoolNumberTests
{
    private static readonly DateOnly DisconnectedOn = new(2025, 3, 1);
    private static readonly DateOnly DefaultQuarantineEnd = new(2025, 5, 30);

    private static PoolNumber QuarantinedNumber()
    {
        var number = PoolNumber.NewlyAssigned(TestData.Msisdn("+8613800000001"), TestData.Now);
        Assert.True(number.Quarantine(DisconnectedOn, QuarantinePolicy.Default, TestData.Now).IsSuccess);
        return number;
    }

    [Fact]
    public void NewlyAssigned_Number_IsAssignedWithoutQuarantine()
    {
        var msisdn = TestData.Msisdn("+8613800000001");

        var number = PoolNumber.NewlyAssigned(msisdn, TestData.Now);

        Assert.Equal(msisdn, number.Msisdn);
        Assert.Equal(NumberState.Assigned, number.State);
        Assert.Null(number.QuarantinedUntil);
        Assert.Equal(TestData.Now, number.StateChangedAt);
    }

    [Fact]
    public void NewlyAvailable_Number_IsAvailable()
    {
        var number = PoolNumber.NewlyAvailable(TestData.Msisdn("+8613800000001"), TestData.Now);

        Assert.Equal(NumberState.Available, number.State);
        Assert.Null(number.QuarantinedUntil);
        Assert.Equal(TestData.Now, number.StateChangedAt);
    }

    [Fact]
    public void Quarantine_AssignedWithDefaultPolicy_SetsUntilDatePlusNinetyDays()
    {
        var number = PoolNumber.NewlyAssigned(TestData.Msisdn("+8613800000001"), TestData.Now);

        var result = number.Quarantine(DisconnectedOn, QuarantinePolicy.Default, TestData.Later);

        Assert.True(result.IsSuccess);
        Assert.Equal(NumberState.Quarantined, number.State);
        Assert.Equal(DefaultQuarantineEnd, number.QuarantinedUntil);
        Assert.Equal(DisconnectedOn.AddDays(90), number.QuarantinedUntil);
        Assert.Equal(TestData.Later, number.StateChangedAt);
    }

    [Fact]
    public void Quarantine_AssignedWithMinimumPolicy_SetsUntilDatePlusFortyFiveDays()
    {
        var number = PoolNumber.NewlyAssigned(TestData.Msisdn("+8613800000001"), TestData.Now);

        var result = number.Quarantine(DisconnectedOn, QuarantinePolicy.Create(45).Value, TestData.Now);

        Assert.True(result.IsSuccess);
        Assert.Equal(new DateOnly(2025, 4, 15), number.QuarantinedUntil);
    }

    [Fact]
    public void Quarantine_Available_FailsWithInvalidNumberState()
    {
        var number = PoolNumber.NewlyAvailable(TestData.Msisdn("+8613800000001"), TestData.Now);

        var result = number.Quarantine(DisconnectedOn, QuarantinePolicy.Default, TestData.Later);

        Assert.False(result.IsSuccess);
        Assert.Equal("invalid_number_state", result.Error!.Code);
        Assert.Equal(NumberState.Available, number.State);
        Assert.Null(number.QuarantinedUntil);
        Assert.Equal(TestData.Now, number.StateChangedAt);
    }

    [Fact]
    public void Quarantine_AlreadyQuarantined_FailsAndKeepsDate()
    {
        var number = QuarantinedNumber();

        var result = number.Quarantine(DisconnectedOn.AddDays(10), QuarantinePolicy.Default, TestData.Later);

        Assert.Equal("invalid_number_state", result.Error!.Code);
        Assert.Equal(DefaultQuarantineEnd, number.QuarantinedUntil);
    }

    [Fact]
    public void Assign_Quarantined_FailsWithNumberNotAvailable()
    {
        var number = QuarantinedNumber();

        var result = number.Assign(TestData.Later);

        Assert.False(result.IsSuccess);
        Assert.Equal("number_not_available", result.Error!.Code);
        Assert.Contains("quarantine", result.Error.Message, StringComparison.Ordinal);
        Assert.Equal(NumberState.Quarantined, number.State);
        Assert.Equal(DefaultQuarantineEnd, number.QuarantinedUntil);
    }

    [Fact]
    public void Assign_AlreadyAssigned_FailsWithNumberNotAvailable()
    {
        var number = PoolNumber.NewlyAssigned(TestData.Msisdn("+8613800000001"), TestData.Now);

        var result = number.Assign(TestData.Later);

        Assert.Equal("number_not_available", result.Error!.Code);
        Assert.Contains("already assigned", result.Error.Message, StringComparison.Ordinal);
        Assert.Equal(TestData.Now, number.StateChangedAt);
    }

    [Fact]
    public void Assign_Available_BecomesAssigned()
    {
        var number = PoolNumber.NewlyAvailable(TestData.Msisdn("+8613800000001"), TestData.Now);

        var result = number.Assign(TestData.Later);

        Assert.True(result.IsSuccess);
        Assert.Equal(NumberState.Assigned, number.State);
        Assert.Null(number.QuarantinedUntil);
        Assert.Equal(TestData.Later, number.StateChangedAt);
    }

    [Fact]
    public void EndQuarantine_BeforeDate_FailsWithQuarantineNotOver()
    {
        var number = QuarantinedNumber();

        var result = number.EndQuarantine(DefaultQuarantineEnd.AddDays(-1), TestData.MuchLater);

        Assert.False(result.IsSuccess);
        Assert.Equal("quarantine_not_over", result.Error!.Code);
        Assert.Equal(NumberState.Quarantined, number.State);
        Assert.Equal(DefaultQuarantineEnd, number.QuarantinedUntil);
        Assert.Equal(TestData.Now, number.StateChangedAt);
    }

    [Fact]
    public void EndQuarantine_OnDate_BecomesAvailable()
    {
        var number = QuarantinedNumber();

        var result = number.EndQuarantine(DefaultQuarantineEnd, TestData.MuchLater);

        Assert.True(result.IsSuccess);
        Assert.Equal(NumberState.Available, number.State);
        Assert.Null(number.QuarantinedUntil);
        Assert.Equal(TestData.MuchLater, number.StateChangedAt);
    }

    [Fact]
    public void EndQuarantine_AfterDate_BecomesAvailable()
    {
        var number = QuarantinedNumber();

        var result = number.EndQuarantine(DefaultQuarantineEnd.AddDays(30), TestData.MuchLater);

        Assert.True(result.IsSuccess);
        Assert.Equal(NumberState.Available, number.State);
    }

    [Fact]
    public void EndQuarantine_Assigned_FailsWithInvalidNumberState()
    {
        var number = PoolNumber.NewlyAssigned(TestData.Msisdn("+8613800000001"), TestData.Now);

        var result = number.EndQuarantine(DefaultQuarantineEnd, TestData.MuchLater);

        Assert.Equal("invalid_number_state", result.Error!.Code);
        Assert.Equal(NumberState.Assigned, number.State);
    }

    [Fact]
    public void EndQuarantine_Available_FailsWithInvalidNumberState()
    {
        var number = PoolNumber.NewlyAvailable(TestData.Msisdn("+8613800000001"), TestData.Now);

        var result = number.EndQuarantine(DefaultQuarantineEnd, TestData.MuchLater);

        Assert.Equal("invalid_number_state", result.Error!.Code);
        Assert.Equal(NumberState.Available, number.State);
    }

    [Fact]
    public void FullCycle_AssignedQuarantinedAvailableAssigned_Succeeds()
    {
        var number = QuarantinedNumber();

        Assert.True(number.EndQuarantine(DefaultQuarantineEnd, TestData.MuchLater).IsSuccess);
        var result = number.Assign(TestData.MuchLater.AddDays(1));

        Assert.True(result.IsSuccess);
        Assert.Equal(NumberState.Assigned, number.State);
        Assert.Equal(TestData.MuchLater.AddDays(1), number.StateChangedAt);
    }
}
