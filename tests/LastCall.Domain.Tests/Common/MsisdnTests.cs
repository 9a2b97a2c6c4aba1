using LastCall.Domain.Common;

namespace LastCall.Domain.Tests.Common;

public class MsisdnTests
{
    [Theory]
    [InlineData("+8613800000001")]
    [InlineData("+8619912345678")]
    [InlineData("+8613012345678")]
    public void Create_ValidChinaMobileNumber_Succeeds(string text)
    {
        var result = Msisdn.Create(text);

        Assert.True(result.IsSuccess);
        Assert.Equal(text, result.Value.Value);
        Assert.Equal(text, result.Value.ToString());
    }

    [Theory]
    [InlineData("+447700900123")]
    [InlineData("+14155550123")]
    [InlineData("+85291234567")]
    [InlineData("+12345678")]
    [InlineData("+123456789012345")]
    public void Create_ValidNonChinaE164Number_Succeeds(string text)
    {
        var result = Msisdn.Create(text);

        Assert.True(result.IsSuccess);
        Assert.Equal(text, result.Value.Value);
    }

    [Theory]
    [InlineData("8613800000001")]
    [InlineData("008613800000001")]
    [InlineData(" +8613800000001")]
    public void Create_MissingPlus_FailsWithInvalidMsisdn(string text)
    {
        var result = Msisdn.Create(text);

        Assert.False(result.IsSuccess);
        Assert.Equal("invalid_msisdn", result.Error!.Code);
        Assert.Contains("E.164", result.Error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("+1234567")]
    [InlineData("+1")]
    [InlineData("+")]
    public void Create_TooShort_FailsWithInvalidMsisdn(string text)
    {
        var result = Msisdn.Create(text);

        Assert.False(result.IsSuccess);
        Assert.Equal("invalid_msisdn", result.Error!.Code);
        Assert.Contains("E.164", result.Error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Create_SixteenDigits_FailsWithInvalidMsisdn()
    {
        var result = Msisdn.Create("+1234567890123456");

        Assert.False(result.IsSuccess);
        Assert.Equal("invalid_msisdn", result.Error!.Code);
    }

    [Fact]
    public void Create_LeadingZeroCountryCode_FailsWithInvalidMsisdn()
    {
        var result = Msisdn.Create("+0447700900123");

        Assert.False(result.IsSuccess);
        Assert.Equal("invalid_msisdn", result.Error!.Code);
    }

    [Theory]
    [InlineData("+86138ABCD0001")]
    [InlineData("+44770090012a")]
    [InlineData("+44 7700900123")]
    [InlineData("+44-7700900123")]
    public void Create_NonDigitCharacters_FailsWithInvalidMsisdn(string text)
    {
        var result = Msisdn.Create(text);

        Assert.False(result.IsSuccess);
        Assert.Equal("invalid_msisdn", result.Error!.Code);
    }

    [Theory]
    [InlineData("+86101234567")]
    [InlineData("+861012345678")]
    [InlineData("+8601012345678")]
    [InlineData("+8621123456789")]
    [InlineData("+8612012345678")]
    [InlineData("+861380000000")]
    [InlineData("+86138000000012")]
    public void Create_ChinaNumberNotAnElevenDigitMobile_FailsWithChinaMessage(string text)
    {
        var result = Msisdn.Create(text);

        Assert.False(result.IsSuccess);
        Assert.Equal("invalid_msisdn", result.Error!.Code);
        Assert.Contains("mainland China", result.Error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    public void Create_NullOrEmpty_FailsWithMissingMessage(string? text)
    {
        var result = Msisdn.Create(text);

        Assert.False(result.IsSuccess);
        Assert.Equal("invalid_msisdn", result.Error!.Code);
        Assert.Equal("The number is missing.", result.Error.Message);
    }

    [Fact]
    public void TryParse_ValidNumber_ReturnsTrueAndNumber()
    {
        var ok = Msisdn.TryParse("+8613800000001", out var msisdn);

        Assert.True(ok);
        Assert.NotNull(msisdn);
        Assert.Equal("+8613800000001", msisdn.Value);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("13800000001")]
    [InlineData("+8612000000001")]
    public void TryParse_InvalidNumber_ReturnsFalseAndNull(string? text)
    {
        var ok = Msisdn.TryParse(text, out var msisdn);

        Assert.False(ok);
        Assert.Null(msisdn);
    }

    [Fact]
    public void Parse_InvalidNumber_ThrowsFormatException()
    {
        var ex = Assert.Throws<FormatException>(() => Msisdn.Parse("13800000001"));

        Assert.Contains("13800000001", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_SameText_GivesEqualValues()
    {
        Assert.Equal(Msisdn.Parse("+8613800000001"), Msisdn.Parse("+8613800000001"));
        Assert.NotEqual(Msisdn.Parse("+8613800000001"), Msisdn.Parse("+8613800000002"));
    }

    [Theory]
    [InlineData("+8613800000001", 8613800000001L)]
    [InlineData("+447700900123", 447700900123L)]
    [InlineData("+999999999999999", 999999999999999L)]
    public void ToInt64_ValidNumber_ReturnsDigitsAfterPlus(string text, long expected)
    {
        Assert.Equal(expected, Msisdn.Parse(text).ToInt64());
    }

    [Theory]
    [InlineData("+8613800000001", "+86138****0001")]
    [InlineData("+447700900123", "+4477****0123")]
    [InlineData("+12345678", "+****5678")]
    public void Masked_ValidNumber_HidesFourDigitsBeforeLastFour(string text, string expected)
    {
        var masked = Msisdn.Parse(text).Masked();

        Assert.Equal(expected, masked);
        Assert.Equal(text.Length, masked.Length);
    }
}
