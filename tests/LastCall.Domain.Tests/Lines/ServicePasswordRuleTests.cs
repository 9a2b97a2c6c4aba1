using LastCall.Domain.Common;
using LastCall.Domain.Lines;

namespace LastCall.Domain.Tests.Lines;

/// <summary>The rule for a service password a person chooses now, shared by the owner's change and a transfer.</summary>
public class ServicePasswordRuleTests
{
    [Theory]
    [InlineData("12345")]
    [InlineData("1234567890123")]
    [InlineData("12a456")]
    [InlineData("")]
    [InlineData(null)]
    public void NotSixToTwelveDigits_IsInvalid(string? password)
    {
        var refused = Line.CheckChosenServicePassword(password, "newPassword");
        Assert.Equal(ErrorKind.Validation, refused.Error!.Kind);
        Assert.Equal("invalid_service_password", refused.Error.Code);
        Assert.Equal("newPassword", refused.Error.Field);
    }

    [Theory]
    [InlineData("111111")]
    [InlineData("123456")]
    [InlineData("9876543210")]
    public void AGuessablePassword_IsWeak(string password)
    {
        var refused = Line.CheckChosenServicePassword(password, "newServicePassword");
        Assert.Equal("weak_service_password", refused.Error!.Code);
        Assert.Equal("newServicePassword", refused.Error.Field);
    }

    [Theory]
    [InlineData("864209")]
    [InlineData("123987")]
    [InlineData("202611150042")]
    public void SixToTwelveDigitsNobodyGuesses_AreAccepted(string password) =>
        Assert.True(Line.CheckChosenServicePassword(password, "newPassword").IsSuccess);
}
