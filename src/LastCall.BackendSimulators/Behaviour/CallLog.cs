using System.Collections.Concurrent;
using LastCall.BackendSimulators.Wire;

namespace LastCall.BackendSimulators.Behaviour;

/// <summary>
/// One billing or network request as the simulator saw it, including the ones it refused or failed on purpose.
/// <paramref name="Code"/> is the error or warning code answered; <paramref name="Fault"/> is null for a normal answer,
/// else Down or Http500.
/// </summary>
public sealed record CallRecord(
    DateTimeOffset At,
    SimulatedSystem System,
    string Operation,
    string Msisdn,
    string? RequestId,
    int HttpStatus,
    string? Code,
    bool Replayed,
    string? Fault);

/// <summary>Every request received (the newest 10,000), for <c>GET /simulator/calls</c> and test assertions.</summary>
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

    public IReadOnlyList<CallRecord> List(SimulatedSystem? system = null, string? operation = null, string? msisdn = null) =>
        [.. _calls.Where(c => (system is null || c.System == system)
                              && (operation is null || c.Operation == operation)
                              && (msisdn is null || c.Msisdn == msisdn))];

    public void Clear() => _calls.Clear();
}
