using LastCall.Domain.Billing;
using LastCall.Domain.Common;

namespace LastCall.Domain.Tests.Billing;

public class BillingAccountTests
{
    private static readonly Guid LineId = new("0193a1b2-0000-7000-8000-000000000010");

    [Fact]
    public void Open_ValidInput_Succeeds()
    {
        var result = BillingAccount.Open(LineId, "CNY", 25.50m, 0m);

        Assert.True(result.IsSuccess);
        var account = result.Value;
        Assert.NotEqual(Guid.Empty, account.Id);
        Assert.Equal(LineId, account.LineId);
        Assert.Equal("CNY", account.Currency);
        Assert.Equal(25.50m, account.Balance);
        Assert.Equal(0m, account.Arrears);
        Assert.Equal(0m, account.UnbilledUsage);
        Assert.Equal(0m, account.Deposit);
        Assert.Equal(new Money(25.50m, "CNY"), account.BalanceMoney);
        Assert.Equal(new Money(0m, "CNY"), account.ArrearsMoney);
    }

    [Fact]
    public void Open_ArrearsOnly_Succeeds()
    {
        var account = BillingAccount.Open(LineId, "USD", 0m, 12.3m).Value;

        Assert.Equal(0m, account.Balance);
        Assert.Equal(12.3m, account.Arrears);
        Assert.Equal(new Money(12.3m, "USD"), account.ArrearsMoney);
    }

    [Fact]
    public void Open_TrailingZeroDecimals_Succeeds()
    {
        var result = BillingAccount.Open(LineId, "CNY", 1.500m, 2.0000m);

        Assert.True(result.IsSuccess);
        Assert.Equal(1.5m, result.Value.Balance);
        Assert.Equal(2m, result.Value.Arrears);
    }

    [Fact]
    public void Open_NegativeBalance_FailsWithNegativeAmount()
    {
        var result = BillingAccount.Open(LineId, "CNY", -0.01m, 0m);

        Assert.False(result.IsSuccess);
        Assert.Equal("negative_amount", result.Error!.Code);
        Assert.Contains("balance", result.Error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Open_NegativeArrears_FailsWithNegativeAmount()
    {
        var result = BillingAccount.Open(LineId, "CNY", 0m, -5m);

        Assert.False(result.IsSuccess);
        Assert.Equal("negative_amount", result.Error!.Code);
        Assert.Contains("Arrears", result.Error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(1.005, 0)]
    [InlineData(0, 0.001)]
    [InlineData(10.123, 3.456)]
    public void Open_ThreeDecimals_FailsWithInvalidAmount(double balance, double arrears)
    {
        var result = BillingAccount.Open(LineId, "CNY", (decimal)balance, (decimal)arrears);

        Assert.False(result.IsSuccess);
        Assert.Equal("invalid_amount", result.Error!.Code);
    }

    [Theory]
    [InlineData("cny")]
    [InlineData("CN")]
    [InlineData("CNYY")]
    [InlineData("C1Y")]
    [InlineData("")]
    [InlineData("Cny")]
    [InlineData("\uff23\uff2e\uff39")]
    public void Open_InvalidCurrency_FailsWithInvalidCurrency(string currency)
    {
        var result = BillingAccount.Open(LineId, currency, 0m, 0m);

        Assert.False(result.IsSuccess);
        Assert.Equal("invalid_currency", result.Error!.Code);
    }

    [Fact]
    public void SetBalances_ValidAmounts_ReplacesBoth()
    {
        var account = BillingAccount.Open(LineId, "CNY", 25.50m, 0m).Value;

        var result = account.SetBalances(0m, 99.99m);

        Assert.True(result.IsSuccess);
        Assert.Equal(0m, account.Balance);
        Assert.Equal(99.99m, account.Arrears);
        Assert.Equal(new Money(99.99m, "CNY"), account.ArrearsMoney);
    }

    [Theory]
    [InlineData(-1, 0, "negative_amount")]
    [InlineData(0, -1, "negative_amount")]
    [InlineData(1.234, 0, "invalid_amount")]
    [InlineData(0, 0.999, "invalid_amount")]
    public void SetBalances_InvalidAmounts_FailsAndKeepsPreviousValues(double balance, double arrears, string code)
    {
        var account = BillingAccount.Open(LineId, "CNY", 25.50m, 3.20m).Value;

        var result = account.SetBalances((decimal)balance, (decimal)arrears);

        Assert.False(result.IsSuccess);
        Assert.Equal(code, result.Error!.Code);
        Assert.Equal(25.50m, account.Balance);
        Assert.Equal(3.20m, account.Arrears);
    }
}
