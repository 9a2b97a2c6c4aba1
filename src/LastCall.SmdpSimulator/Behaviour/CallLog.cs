using System.Collections.Concurrent;

namespace LastCall.SmdpSimulator.Behaviour;

/// <summary>
/// One ES2+ request as the simulator saw it, including the ones it refused or failed on purpose.
/// <paramref name="Fault"/> is null for a normal answer, else Down, Http500, FailedStatus, or Protocol.
/// </summary>
public sealed record CallRecord(
    DateTimeOffset At,
    string Function,
    string? FunctionRequesterIdentifier,
    string? FunctionCallIdentifier,
    string? Iccid,
    int HttpStatus,
    string? ExecutionStatus,
    string? SubjectCode,
    string? ReasonCode,
    bool Replayed,
    string? Fault);

/// <summary>Every ES2+ request received (the newest 10,000), for <c>GET /simulator/calls</c> and test assertions.</summary>
public sealed class CallLog
{
    private const int Capacity = 10_000;
    private readonly ConcurrentQueue<CallRecord> _calls = new();

    public void Add(CallRecord record)
    {
        _calls.Enqueue(record);
        while (_calls.Count > Capacity && _calls.TryDequeue(out _))
        {
        }
    }

    public IReadOnlyList<CallRecord> List(string? iccid = null, string? function = null) =>
        [.. _calls.Where(c => (iccid is null || string.Equals(c.Iccid, iccid, StringComparison.OrdinalIgnoreCase))
                              && (function is null || c.Function == function))];

    public void Clear() => _calls.Clear();
}
