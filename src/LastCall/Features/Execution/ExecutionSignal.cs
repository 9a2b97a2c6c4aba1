namespace LastCall.Features.Execution;

/// <summary>
/// Tells this instance's execution worker that a request has become due (an approval whose notice went out), so it
/// claims it at once instead of at its next poll. Other instances find the request by polling.
/// </summary>
public sealed class ExecutionSignal
{
    private readonly Lock _gate = new();
    private TaskCompletionSource _due = New();

    public void Notify()
    {
        lock (_gate)
            _due.TrySetResult();
    }

    /// <summary>Completes at the next <see cref="Notify"/> after the previous wait ended (or at once if one came since).</summary>
    public Task WaitAsync()
    {
        lock (_gate)
        {
            if (_due.Task.IsCompleted)
                _due = New();
            return _due.Task;
        }
    }

    private static TaskCompletionSource New() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
