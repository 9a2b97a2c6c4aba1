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

    [Fact]
    public void Failure_WithoutKind_IsValidation()
    {
        Assert.Equal(ErrorKind.Validation, Result.Failure("bad_input", "Bad.").Error!.Kind);
        Assert.Equal(ErrorKind.Validation, Result<int>.Failure("bad_input", "Bad.").Error!.Kind);
        Assert.Equal(ErrorKind.Validation, new DomainError("bad_input", "Bad.").Kind);
    }

    [Fact]
    public void Fail_EachFactory_NamesItsKind()
    {
        Assert.Equal(ErrorKind.Validation, Fail.Validation("c", "m").Kind);
        Assert.Equal(ErrorKind.NotFound, Fail.NotFound("c", "m").Kind);
        Assert.Equal(ErrorKind.Conflict, Fail.Conflict("c", "m").Kind);
        Assert.Equal(ErrorKind.Forbidden, Fail.Forbidden("c", "m").Kind);
        Assert.Equal(ErrorKind.NotEligible, Fail.NotEligible("m", new Ineligibility([])).Kind);
        Assert.Equal(ErrorKind.Unavailable, Fail.Unavailable("c", "m").Kind);
        Assert.Equal(ErrorKind.Unauthorized, Fail.Unauthorized("c", "m").Kind);
        Assert.Equal(ErrorKind.TooManyRequests, Fail.TooManyRequests("c", "m", TimeSpan.FromSeconds(1)).Kind);
        Assert.Equal(ErrorKind.Unprocessable, Fail.Unprocessable("c", "m").Kind);
        Assert.Equal(ErrorKind.TooLarge, Fail.TooLarge("c", "m").Kind);
        Assert.Equal(ErrorKind.UnsupportedMediaType, Fail.UnsupportedMediaType("c", "m").Kind);
    }

    [Fact]
    public void NotEligible_Always_HasTheStableCodeAndEveryBlocker()
    {
        var error = Fail.NotEligible("Not yet.", Ineligibility.FromCodes(["fraud_hold", "line_not_active"], []));

        Assert.Equal("not_eligible", error.Code);
        Assert.Equal(["fraud_hold", "line_not_active"], error.Ineligible!.Blockers.Select(b => b.Code));
    }

    [Fact]
    public void FromCodes_KnownFinding_KeepsItsFacts()
    {
        var arrears = new LastCall.Domain.Cancellations.Finding("arrears", new Dictionary<string, string> { ["amount"] = "12.00" });

        var ineligible = Ineligibility.FromCodes(["arrears", "fraud_hold"], [arrears]);

        Assert.Same(arrears, ineligible.Blockers[0]);
        Assert.Empty(ineligible.Blockers[1].Facts);
    }

    [Fact]
    public void For_Field_MakesAValidationFailureOfThatField()
    {
        var error = new DomainError(ErrorKind.Unprocessable, "invalid_id_number", "Malformed.").For("idNumber");

        Assert.Equal(ErrorKind.Validation, error.Kind);
        Assert.Equal("idNumber", error.Field);
    }
}
