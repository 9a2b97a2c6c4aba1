using LastCall.Domain.Numbers;

namespace LastCall.Domain.Tests.Numbers;

public class QuarantinePolicyTests
{
    [Fact]
    public void Default_Always_IsNinetyDays()
    {
        Assert.Equal(90, QuarantinePolicy.Default.Days);
        Assert.Equal(QuarantinePolicy.DefaultDays, QuarantinePolicy.Default.Days);
    }

    [Theory]
    [InlineData(45)]
    [InlineData(90)]
    [InlineData(365)]
    public void Create_AtLeastMinimum_Succeeds(int days)
    {
        var result = QuarantinePolicy.Create(days);

        Assert.True(result.IsSuccess);
        Assert.Equal(days, result.Value.Days);
    }

    [Theory]
    [InlineData(44)]
    [InlineData(0)]
    [InlineData(-90)]
    public void Create_BelowMinimum_FailsWithInvalidPolicy(int days)
    {
        var result = QuarantinePolicy.Create(days);

        Assert.False(result.IsSuccess);
        Assert.Equal("invalid_policy", result.Error!.Code);
        Assert.Contains("45", result.Error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Create_NinetyDays_EqualsDefault()
    {
        Assert.Equal(QuarantinePolicy.Default, QuarantinePolicy.Create(90).Value);
    }
}
