using LastCall.Domain.Common;

namespace LastCall.Domain.Tests.Common;

public class ResultTests
{
    [Fact]
    public void Success_NonGeneric_IsSuccessWithoutError()
    {
        var result = Result.Success;

        Assert.True(result.IsSuccess);
        Assert.Null(result.Error);
    }

    [Fact]
    public void Failure_NonGeneric_CarriesCodeAndMessage()
    {
        var result = Result.Failure("some_code", "Some message.");

        Assert.False(result.IsSuccess);
        Assert.Equal(new DomainError("some_code", "Some message."), result.Error);
    }

    [Fact]
    public void ImplicitConversion_FromDomainError_IsFailure()
    {
        Result result = new DomainError("x_code", "X.");

        Assert.False(result.IsSuccess);
        Assert.Equal("x_code", result.Error!.Code);
    }

    [Fact]
    public void Success_Generic_ExposesValue()
    {
        var result = Result<int>.Success(42);

        Assert.True(result.IsSuccess);
        Assert.Null(result.Error);
        Assert.Equal(42, result.Value);
    }

    [Fact]
    public void ImplicitConversion_FromValue_IsSuccess()
    {
        Result<string> result = "hello";

        Assert.True(result.IsSuccess);
        Assert.Equal("hello", result.Value);
    }

    [Fact]
    public void ImplicitConversion_FromDomainErrorGeneric_IsFailure()
    {
        Result<string> result = new DomainError("y_code", "Y.");

        Assert.False(result.IsSuccess);
        Assert.Equal("y_code", result.Error!.Code);
        Assert.Equal("Y.", result.Error.Message);
    }

    [Fact]
    public void Value_OnFailure_ThrowsInvalidOperationWithCode()
    {
        var result = Result<int>.Failure("bad_thing", "Bad.");

        var ex = Assert.Throws<InvalidOperationException>(() => result.Value);

        Assert.Contains("bad_thing", ex.Message, StringComparison.Ordinal);
    }
}
