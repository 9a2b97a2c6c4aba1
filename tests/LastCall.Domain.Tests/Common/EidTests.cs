using LastCall.Domain.Common;

namespace LastCall.Domain.Tests.Common;

public class EidTests
{
    private const string Prefix = "890490320000000000123456789012";

    // Known-valid value, cross-checked by the helper in Helpers_AgreeWithKnownValue.
    private const string Valid = "89049032000000000012345678901212";

    [Fact]
    public void Helpers_AgreeWithKnownValue()
    {
        Assert.Equal(30, Prefix.Length);
        Assert.Equal(Valid, TestData.WithEidCheckDigits(Prefix));
        Assert.Equal(1, (int)(System.Numerics.BigInteger.Parse(Valid, System.Globalization.CultureInfo.InvariantCulture) % 97));
    }

    [Fact]
    public void Create_ValidCheckDigits_Succeeds()
    {
        var result = Eid.Create(Valid);

        Assert.True(result.IsSuccess);
        Assert.Equal(Valid, result.Value.Value);
        Assert.Equal(Valid, result.Value.ToString());
    }

    [Theory]
    [InlineData("890490320000000000000000000000")]
    [InlineData("890330230000000000000000000123")]
    [InlineData("899999999999999999999999999999")]
    public void Create_ComputedCheckDigits_Succeeds(string prefix)
    {
        var text = TestData.WithEidCheckDigits(prefix);

        var result = Eid.Create(text);

        Assert.True(result.IsSuccess);
        Assert.Equal(text, result.Value.Value);
    }

    [Theory]
    [InlineData("89049032000000000012345678901213")]
    [InlineData("89049032000000000012345678901200")]
    [InlineData("89049032000000000012345678901221")]
    public void Create_WrongCheckDigits_FailsWithCheckMessage(string text)
    {
        var result = Eid.Create(text);

        Assert.False(result.IsSuccess);
        Assert.Equal("invalid_eid", result.Error!.Code);
        Assert.Contains("check digits", result.Error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("8904903200000000001234567890121")]
    [InlineData("890490320000000000123456789012120")]
    public void Create_WrongLength_FailsWithLengthMessage(string text)
    {
        var result = Eid.Create(text);

        Assert.False(result.IsSuccess);
        Assert.Equal("invalid_eid", result.Error!.Code);
        Assert.Contains("32 digits", result.Error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("880490320000000000123456789012")]
    [InlineData("190490320000000000123456789012")]
    public void Create_WrongPrefixWithValidCheckDigits_FailsWithPrefixMessage(string prefix)
    {
        var result = Eid.Create(TestData.WithEidCheckDigits(prefix));

        Assert.False(result.IsSuccess);
        Assert.Equal("invalid_eid", result.Error!.Code);
        Assert.Contains("starts with 89", result.Error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("8904903200000000001234567890121A")]
    [InlineData("")]
    [InlineData(null)]
    public void Create_NonDigitsOrMissing_FailsWithInvalidEid(string? text)
    {
        var result = Eid.Create(text);

        Assert.False(result.IsSuccess);
        Assert.Equal("invalid_eid", result.Error!.Code);
    }

    [Fact]
    public void Parse_InvalidValue_ThrowsFormatException()
    {
        Assert.Throws<FormatException>(() => Eid.Parse("89049032000000000012345678901213"));
    }
}
