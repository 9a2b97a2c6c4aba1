using LastCall.Domain.Common;

namespace LastCall.Domain.Tests.Common;

public class MoneyTests
{
    [Fact]
    public void Equals_SameAmountAndCurrency_AreEqual()
    {
        Assert.Equal(new Money(1.00m, "CNY"), new Money(1.00m, "CNY"));
        Assert.NotEqual(new Money(1.00m, "CNY"), new Money(1.00m, "USD"));
    }
}
