namespace LastCall.SmdpSimulator.Behaviour;

/// <summary>How an injected failure looks to the caller.</summary>
public enum FailureKind
{
    /// <summary>HTTP 500 with no ES2+ body: what a crashed SM-DP+ or a proxy in front of it answers.</summary>
    Http500,

    /// <summary>HTTP 200 with status Failed, subject 1.2 (Function Provider), reason 4.2 (Execution Error).</summary>
    FailedStatus,
}

/// <summary>
/// The switches of <c>PUT /simulator/behaviour</c>: <paramref name="LatencyMs"/> delays every ES2+ answer,
/// <paramref name="FailureRate"/> (0..1) makes that share of calls fail before anything is applied,
/// <paramref name="Down"/> answers 503 to every ES2+ call.
/// </summary>
public sealed record BehaviourSettings(int LatencyMs = 0, double FailureRate = 0, bool Down = false, FailureKind FailureKind = FailureKind.Http500)
{
    public string? Validate() =>
        LatencyMs is < 0 or > 600_000 ? "latencyMs must be between 0 and 600000."
        : FailureRate is < 0 or > 1 || double.IsNaN(FailureRate) ? "failureRate must be between 0 and 1."
        : !Enum.IsDefined(FailureKind) ? "failureKind must be Http500 or FailedStatus."
        : null;
}

/// <summary>The current switches; swapped whole so that a request always sees one consistent set.</summary>
public sealed class SimulatorBehaviour
{
    private BehaviourSettings _current = new();

    public BehaviourSettings Current => Volatile.Read(ref _current);

    public void Set(BehaviourSettings settings) => Volatile.Write(ref _current, settings);

    /// <summary>Draws whether this call fails; Random.Shared is thread-safe.</summary>
    public static bool ShouldFail(BehaviourSettings settings) =>
        settings.FailureRate > 0 && Random.Shared.NextDouble() < settings.FailureRate;
}
