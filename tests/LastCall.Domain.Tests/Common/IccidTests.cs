using LastCall.Domain.Common;

namespace LastCall.Domain.Tests.Common;

public class IccidTests
{
    // Known-valid values, cross-checked by the Luhn helper in Helpers_AgreeWithKnownValues.
    private const string Valid19 = "8986001234567890120";
    private const string Valid20 = "89860012345678901238";

    [Fact]
    public void Helpers_AgreeWithKnownValues()
    {
        Assert.Equal(Valid19, TestData.WithLuhnCheckDigit(Valid19[..^1]));
        Assert.Equal(Valid20, TestData.WithLuhnCheckDigit(Valid20[..^1]));
    }

    [Theory]
    [InlineData(Valid19)]
    [InlineData(Valid20)]
    public void Create_ValidLuhnNumber_Succeeds(string text)
    {
        var result = Iccid.Create(text);

        Assert.True(result.IsSuccess);
        Assert.Equal(text, result.Value.Value);
        Assert.Equal(text, result.Value.ToString());
    }

    [Theory]
    [InlineData("898610987654321000")]
    [InlineData("8944123456789012345")]
    public void Create_ComputedLuhnNumber_Succeeds(string body)
    {
        var text = TestData.WithLuhnCheckDigit(body);

        var result = Iccid.Create(text);

        Assert.True(result.IsSuccess);
        Assert.Equal(text, result.Value.Value);
    }

    [Theory]
    [InlineData("8986001234567890121")]
    [InlineData("8986001234567890129")]
    [InlineData("89860012345678901230")]
    public void Create_WrongCheckDigit_FailsWithLuhnMessage(string text)
    {
        var result = Iccid.Create(text);

        Assert.False(result.IsSuccess);
        Assert.Equal("invalid_iccid", result.Error!.Code);
        Assert.Contains("Luhn", result.Error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("880600123456789012")]
    [InlineData("123456789012345678")]
    public void Create_WrongPrefixWithValidLuhn_FailsWithPrefixMessage(string body)
    {
        var result = Iccid.Create(TestData.WithLuhnCheckDigit(body));

        Assert.False(result.IsSuccess);
        Assert.Equal("invalid_iccid", result.Error!.Code);
        Assert.Contains("starts with 89", result.Error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("89860012345678901")]
    [InlineData("898600123456789012345")]
    public void Create_WrongLengthWithValidLuhn_FailsWithLengthMessage(string body)
    {
        var result = Iccid.Create(TestData.WithLuhnCheckDigit(body));

        Assert.False(result.IsSuccess);
        Assert.Equal("invalid_iccid", result.Error!.Code);
        Assert.Contains("19 or 20 digits", result.Error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("898600123456789012A")]
    [InlineData("8986 001234567890120")]
    [InlineData("+898600123456789012")]
    [InlineData("")]
    [InlineData(null)]
    public void Create_NonDigitsOrMissing_FailsWithInvalidIccid(string? text)
    {
        var result = Iccid.Create(text);

        Assert.False(result.IsSuccess);
        Assert.Equal("invalid_iccid", result.Error!.Code);
    }

    [Fact]
    public void Parse_InvalidNumber_ThrowsFormatException()
    {
        Assert.Throws<FormatException>(() => Iccid.Parse("8986001234567890121"));
    }

    [Fact]
    public void Parse_ValidNumber_ReturnsEqualValue()
    {
        Assert.Equal(Iccid.Create(Valid20).Value, Iccid.Parse(Valid20));
    }
}
