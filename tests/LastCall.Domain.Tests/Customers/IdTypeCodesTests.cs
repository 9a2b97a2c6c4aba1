using LastCall.Domain.Common;
using LastCall.Domain.Customers;

namespace LastCall.Domain.Tests.Customers;

public class IdTypeCodesTests
{
    [Theory]
    [InlineData(IdType.ResidentId, "resident_id")]
    [InlineData(IdType.Passport, "passport")]
    [InlineData(IdType.HkMacaoPermit, "hk_macao_permit")]
    [InlineData(IdType.TaiwanPermit, "taiwan_permit")]
    public void ToCode_EachType_ReturnsStableCode(IdType type, string expected)
    {
        Assert.Equal(expected, type.ToCode());
    }

    [Fact]
    public void TryParse_EveryTypesCode_RoundTrips()
    {
        foreach (var type in Enum.GetValues<IdType>())
        {
            Assert.True(IdTypeCodes.TryParse(type.ToCode(), out var parsed));
            Assert.Equal(type, parsed);
        }
    }

    [Fact]
    public void ToCode_EveryType_IsDistinct()
    {
        var codes = Enum.GetValues<IdType>().Select(t => t.ToCode()).ToList();

        Assert.Equal(codes.Count, codes.Distinct().Count());
    }

    [Theory]
    [InlineData("driving_licence")]
    [InlineData("RESIDENT_ID")]
    [InlineData("resident-id")]
    [InlineData(" passport")]
    [InlineData("")]
    [InlineData(null)]
    public void TryParse_UnknownCode_ReturnsFalse(string? code)
    {
        var ok = IdTypeCodes.TryParse(code, out var type);

        Assert.False(ok);
        Assert.Equal(default, type);
    }

    [Fact]
    public void ToCode_UndefinedEnumValue_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => ((IdType)99).ToCode());
    }

    [Fact]
    public void Parse_NothingGiven_IsTheTypeOnFile_AndAnUnknownCodeNamesEveryAcceptedOne()
    {
        Assert.Equal(IdType.Passport, IdTypeCodes.Parse(null, IdType.Passport, "idType").Value);
        Assert.Equal(IdType.TaiwanPermit, IdTypeCodes.Parse("taiwan_permit", IdType.ResidentId, "idType").Value);

        var refused = IdTypeCodes.Parse("driving_licence", IdType.ResidentId, "newOwner.idType");
        Assert.False(refused.IsSuccess);
        Assert.Equal(ErrorKind.Validation, refused.Error!.Kind);
        Assert.Equal("invalid_id_type", refused.Error.Code);
        Assert.Equal("newOwner.idType", refused.Error.Field);
        Assert.Equal("idType must be resident_id, passport, hk_macao_permit or taiwan_permit.", refused.Error.Message);
    }
}
