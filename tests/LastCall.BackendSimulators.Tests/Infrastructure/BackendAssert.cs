using LastCall.Integrations.Backends;

namespace LastCall.BackendSimulators.Tests.Infrastructure;

public static class BackendAssert
{
    /// <summary>A business failure with exactly this code and HTTP status, which the caller must not retry.</summary>
    public static void BusinessFailure(BackendResult result, string code, int httpStatus)
    {
        Assert.Equal(BackendOutcome.BusinessFailure, result.Outcome);
        Assert.False(result.IsRetryable);
        Assert.False(result.Succeeded);
        Assert.Equal((code, httpStatus), (result.Code, result.HttpStatus));
        Assert.False(string.IsNullOrWhiteSpace(result.Detail));
    }

    public static void Transient(BackendResult result, BackendTransientReason reason)
    {
        Assert.Equal(BackendOutcome.TransientFailure, result.Outcome);
        Assert.True(result.IsRetryable);
        Assert.False(result.Succeeded);
        Assert.Equal(reason, result.TransientReason);
    }

    public static T Success<T>(BackendResult<T> result)
    {
        Assert.Equal(BackendOutcome.Success, result.Outcome);
        Assert.Null(result.Code);
        Assert.NotNull(result.Value);
        return result.Value;
    }
}
