using LastCall.Domain.Numbers;

namespace LastCall.Domain.Tests.Numbers;

public class DisconnectionTests
{
    private static readonly DateOnly Today = new(2025, 3, 1);

    [Theory]
    [InlineData(DisconnectionSource.Cancellation)]
    [InlineData(DisconnectionSource.Import)]
    public void Record_DateToday_Succeeds(DisconnectionSource source)
    {
        var msisdn = TestData.Msisdn("+8613800000001");

        var result = Disconnection.Record(msisdn, Today, source, TestData.Now);

        Assert.True(result.IsSuccess);
        var entry = result.Value;
        Assert.Equal(msisdn, entry.Msisdn);
        Assert.Equal(Today, entry.DisconnectedOn);
        Assert.Equal(source, entry.Source);
        Assert.Equal(TestData.Now, entry.RecordedAt);
        Assert.Equal(0, entry.Id);
    }

    [Fact]
    public void Record_DateInPast_Succeeds()
    {
        var result = Disconnection.Record(TestData.Msisdn("+447700900123"), new DateOnly(2010, 7, 15), DisconnectionSource.Import, TestData.Now);

        Assert.True(result.IsSuccess);
        Assert.Equal(new DateOnly(2010, 7, 15), result.Value.DisconnectedOn);
    }

    [Theory]
    [InlineData(2)]
    [InlineData(30)]
    [InlineData(3650)]
    public void Record_FutureDate_FailsWithInvalidDate(int daysAhead)
    {
        var result = Disconnection.Record(TestData.Msisdn("+8613800000001"), Today.AddDays(daysAhead), DisconnectionSource.Cancellation, TestData.Now);

        Assert.False(result.IsSuccess);
        Assert.Equal("invalid_date", result.Error!.Code);
        Assert.Contains("future", result.Error.Message, StringComparison.Ordinal);
    }
}
