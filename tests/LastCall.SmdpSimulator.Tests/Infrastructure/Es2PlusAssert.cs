using LastCall.Integrations.Smdp;

namespace LastCall.SmdpSimulator.Tests.Infrastructure;

public static class Es2PlusAssert
{
    /// <summary>A business failure with exactly these SGP.22 codes, which the caller must not retry.</summary>
    public static void BusinessFailure(SmdpResult result, string subjectCode, string reasonCode)
    {
        Assert.Equal(SmdpOutcome.BusinessFailure, result.Outcome);
        Assert.False(result.IsRetryable);
        Assert.False(result.Succeeded);
        Assert.NotNull(result.StatusCode);
        Assert.Equal((subjectCode, reasonCode), (result.StatusCode.SubjectCode, result.StatusCode.ReasonCode));
    }

    public static void Transient(SmdpResult result, SmdpTransientReason reason)
    {
        Assert.Equal(SmdpOutcome.TransientFailure, result.Outcome);
        Assert.True(result.IsRetryable);
        Assert.Equal(reason, result.TransientReason);
    }
}
