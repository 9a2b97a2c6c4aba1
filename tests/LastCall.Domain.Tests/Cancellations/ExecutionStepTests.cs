using LastCall.Domain.Cancellations;
using LastCall.Domain.Common;

namespace LastCall.Domain.Tests.Cancellations;

public class ExecutionStepTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 2, 8, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Reset_AFailedStep_StartsOverWithAFreshAttemptCount()
    {
        var step = ExecutionStep.Plan(Guid.NewGuid(), RequestKind.Cancellation)[0];
        step.Begin(Now);
        step.GiveUp("billing refused", Now);

        Assert.True(step.Reset().IsSuccess);
        Assert.Equal(StepStatus.Pending, step.Status);
        Assert.Equal(0, step.Attempts);
        Assert.Null(step.CompletedAt);
    }

    [Fact]
    public void Reset_AStepThatDidNotFail_IsRefused_AndLeftAsItWas()
    {
        var step = ExecutionStep.Plan(Guid.NewGuid(), RequestKind.Cancellation)[0];
        step.Begin(Now);
        step.Succeed(Now, null);

        var refused = step.Reset();
        Assert.Equal(ErrorKind.Conflict, refused.Error!.Kind);
        Assert.Equal("step_not_failed", refused.Error.Code);
        Assert.Equal(StepStatus.Succeeded, step.Status);
        Assert.Equal(1, step.Attempts);
    }

    [Fact]
    public void LetGoUnstarted_UndoesTheBegunAttempt_SoOnlyAttemptsThatActedCount()
    {
        var step = ExecutionStep.Plan(Guid.NewGuid(), RequestKind.Cancellation)[0];
        step.Begin(Now);
        step.FailAttempt("billing timed out");
        step.Begin(Now.AddMinutes(1));

        step.LetGoUnstarted();

        Assert.Equal(StepStatus.Pending, step.Status);
        Assert.Equal(1, step.Attempts);
        Assert.Equal(Now, step.StartedAt);
    }

    [Fact]
    public void LetGoUnstarted_OnAFirstAttempt_LeavesTheStepAsPlanned()
    {
        var step = ExecutionStep.Plan(Guid.NewGuid(), RequestKind.Cancellation)[0];
        step.Begin(Now);

        step.LetGoUnstarted();

        Assert.Equal(StepStatus.Pending, step.Status);
        Assert.Equal(0, step.Attempts);
        Assert.Null(step.StartedAt);
        Assert.Throws<InvalidOperationException>(step.LetGoUnstarted);
    }
}
