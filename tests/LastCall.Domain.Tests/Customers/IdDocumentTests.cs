using LastCall.Domain.Customers;

namespace LastCall.Domain.Tests.Customers;

public class IdDocumentTests
{
    // Known-valid resident ID numbers, cross-checked by the MOD 11-2 helper in Helpers_AgreeWithKnownValues.
    private const string ValidResidentId = "110101199003071233";
    private const string ValidResidentIdWithX = "11010519491231002X";

    [Fact]
    public void Helpers_AgreeWithKnownValues()
    {
        Assert.Equal(ValidResidentId, TestData.WithResidentIdCheckChar(ValidResidentId[..17]));
        Assert.Equal(ValidResidentIdWithX, TestData.WithResidentIdCheckChar(ValidResidentIdWithX[..17]));
    }

    [Fact]
    public void Create_ValidResidentId_Succeeds()
    {
        var result = IdDocument.Create(IdType.ResidentId, ValidResidentId);

        Assert.True(result.IsSuccess);
        Assert.Equal(IdType.ResidentId, result.Value.Type);
        Assert.Equal(ValidResidentId, result.Value.Number);
    }

    [Theory]
    [InlineData("44030419851015123")]
    [InlineData("31011520000229456")]
    [InlineData("65010219991231000")]
    public void Create_ComputedResidentId_Succeeds(string body)
    {
        var number = TestData.WithResidentIdCheckChar(body);

        var result = IdDocument.Create(IdType.ResidentId, number);

        Assert.True(result.IsSuccess);
        Assert.Equal(number, result.Value.Number);
    }

    [Fact]
    public void Create_ResidentIdWithXCheckChar_Succeeds()
    {
        var result = IdDocument.Create(IdType.ResidentId, ValidResidentIdWithX);

        Assert.True(result.IsSuccess);
        Assert.Equal(ValidResidentIdWithX, result.Value.Number);
    }

    [Fact]
    public void Create_ResidentIdWithLowerCaseX_NormalisesToUpperCase()
    {
        var result = IdDocument.Create(IdType.ResidentId, "11010519491231002x");

        Assert.True(result.IsSuccess);
        Assert.Equal("11010519491231002X", result.Value.Number);
    }

    [Fact]
    public void Create_ResidentIdWithSpaces_RemovesSpaces()
    {
        var result = IdDocument.Create(IdType.ResidentId, " 110101 19900307 1233 ");

        Assert.True(result.IsSuccess);
        Assert.Equal(ValidResidentId, result.Value.Number);
    }

    [Theory]
    [InlineData("110101199003071234")]
    [InlineData("110101199003071230")]
    [InlineData("11010119900307123X")]
    [InlineData("110105194912310020")]
    public void Create_ResidentIdWrongCheckChar_FailsWithCheckMessage(string number)
    {
        var result = IdDocument.Create(IdType.ResidentId, number);

        Assert.False(result.IsSuccess);
        Assert.Equal("invalid_id_number", result.Error!.Code);
        Assert.Contains("check character", result.Error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("11010119900230123")]
    [InlineData("11010119901301123")]
    [InlineData("11010120010229456")]
    [InlineData("11010119900001123")]
    public void Create_ResidentIdImpossibleBirthDate_FailsWithDateMessage(string body)
    {
        // Correct check character, so only the date can be at fault.
        var result = IdDocument.Create(IdType.ResidentId, TestData.WithResidentIdCheckChar(body));

        Assert.False(result.IsSuccess);
        Assert.Equal("invalid_id_number", result.Error!.Code);
        Assert.Contains("birth date", result.Error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("11010119900307123")]
    [InlineData("1101011990030712330")]
    [InlineData("1101011990030712A3")]
    [InlineData("11010119900307123Y")]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData(null)]
    public void Create_ResidentIdMalformed_FailsWithFormatMessage(string? number)
    {
        var result = IdDocument.Create(IdType.ResidentId, number);

        Assert.False(result.IsSuccess);
        Assert.Equal("invalid_id_number", result.Error!.Code);
        Assert.Contains("17 digits", result.Error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("E12345678", "E12345678")]
    [InlineData("g1234567", "G1234567")]
    [InlineData("AB 123 456", "AB123456")]
    [InlineData("A1234", "A1234")]
    [InlineData("ABCDEFGHIJ1234567890", "ABCDEFGHIJ1234567890")]
    public void Create_ValidPassport_SucceedsNormalised(string number, string expected)
    {
        var result = IdDocument.Create(IdType.Passport, number);

        Assert.True(result.IsSuccess);
        Assert.Equal(IdType.Passport, result.Value.Type);
        Assert.Equal(expected, result.Value.Number);
    }

    [Theory]
    [InlineData("E123")]
    [InlineData("ABCDEFGHIJ12345678901")]
    [InlineData("E1234-5678")]
    [InlineData("E1234\u00e95678")]
    [InlineData("")]
    [InlineData(null)]
    public void Create_InvalidPassport_FailsWithPassportMessage(string? number)
    {
        var result = IdDocument.Create(IdType.Passport, number);

        Assert.False(result.IsSuccess);
        Assert.Equal("invalid_id_number", result.Error!.Code);
        Assert.Contains("passport", result.Error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("H12345678", "H12345678")]
    [InlineData("M1234567890", "M1234567890")]
    [InlineData("h12345678", "H12345678")]
    public void Create_ValidHkMacaoPermit_SucceedsNormalised(string number, string expected)
    {
        var result = IdDocument.Create(IdType.HkMacaoPermit, number);

        Assert.True(result.IsSuccess);
        Assert.Equal(IdType.HkMacaoPermit, result.Value.Type);
        Assert.Equal(expected, result.Value.Number);
    }

    [Theory]
    [InlineData("H1234567")]
    [InlineData("H123456789")]
    [InlineData("H123456789012")]
    [InlineData("X12345678")]
    [InlineData("112345678")]
    [InlineData("H1234567A")]
    [InlineData("")]
    [InlineData(null)]
    public void Create_InvalidHkMacaoPermit_FailsWithPermitMessage(string? number)
    {
        var result = IdDocument.Create(IdType.HkMacaoPermit, number);

        Assert.False(result.IsSuccess);
        Assert.Equal("invalid_id_number", result.Error!.Code);
        Assert.Contains("Hong Kong/Macao", result.Error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("12345678")]
    [InlineData("1234567890")]
    public void Create_ValidTaiwanPermit_Succeeds(string number)
    {
        var result = IdDocument.Create(IdType.TaiwanPermit, number);

        Assert.True(result.IsSuccess);
        Assert.Equal(IdType.TaiwanPermit, result.Value.Type);
        Assert.Equal(number, result.Value.Number);
    }

    [Theory]
    [InlineData("1234567")]
    [InlineData("123456789")]
    [InlineData("12345678901")]
    [InlineData("T1234567")]
    [InlineData("")]
    [InlineData(null)]
    public void Create_InvalidTaiwanPermit_FailsWithPermitMessage(string? number)
    {
        var result = IdDocument.Create(IdType.TaiwanPermit, number);

        Assert.False(result.IsSuccess);
        Assert.Equal("invalid_id_number", result.Error!.Code);
        Assert.Contains("Taiwan", result.Error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Create_UnknownIdType_Fails()
    {
        var result = IdDocument.Create((IdType)99, "E12345678");

        Assert.False(result.IsSuccess);
        Assert.Equal("invalid_id_number", result.Error!.Code);
        Assert.Equal("Unknown ID type.", result.Error.Message);
    }

    [Fact]
    public void Masked_ResidentId_KeepsFirstAndLastFour()
    {
        var document = IdDocument.Create(IdType.ResidentId, ValidResidentId).Value;

        Assert.Equal("1101**********1233", document.Masked());
    }

    [Fact]
    public void Masked_ResidentIdWithX_KeepsCheckChar()
    {
        var document = IdDocument.Create(IdType.ResidentId, ValidResidentIdWithX).Value;

        Assert.Equal("1101**********002X", document.Masked());
    }

    [Theory]
    [InlineData(IdType.Passport, "E12345678", "E*******8")]
    [InlineData(IdType.Passport, "A1234", "A***4")]
    [InlineData(IdType.HkMacaoPermit, "M1234567890", "M*********0")]
    [InlineData(IdType.TaiwanPermit, "12345678", "1******8")]
    [InlineData(IdType.TaiwanPermit, "1234567890", "1********0")]
    public void Masked_ShortNumber_KeepsOneCharAtEachEnd(IdType type, string number, string expected)
    {
        var document = IdDocument.Create(type, number).Value;

        Assert.Equal(expected, document.Masked());
    }

    [Fact]
    public void Masked_TwelveCharPassport_KeepsFirstAndLastFour()
    {
        var document = IdDocument.Create(IdType.Passport, "AB1234567890").Value;

        Assert.Equal("AB12****7890", document.Masked());
    }

    [Theory]
    [InlineData(IdType.ResidentId, ValidResidentId, "resident_id:1101**********1233")]
    [InlineData(IdType.Passport, "E12345678", "passport:E*******8")]
    [InlineData(IdType.HkMacaoPermit, "H12345678", "hk_macao_permit:H*******8")]
    [InlineData(IdType.TaiwanPermit, "12345678", "taiwan_permit:1******8")]
    public void ToString_AnyType_ShowsCodeAndMaskedNumberOnly(IdType type, string number, string expected)
    {
        var document = IdDocument.Create(type, number).Value;

        var text = document.ToString();

        Assert.Equal(expected, text);
        Assert.DoesNotContain(document.Number, text, StringComparison.Ordinal);
    }

    [Fact]
    public void Equals_SameTypeAndNormalisedNumber_AreEqual()
    {
        Assert.Equal(
            IdDocument.Create(IdType.ResidentId, "11010519491231002x").Value,
            IdDocument.Create(IdType.ResidentId, "11010519491231002X").Value);
    }
}
