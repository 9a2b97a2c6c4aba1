using LastCall.BackendSimulators.Wire;

namespace LastCall.BackendSimulators.Behaviour;

/// <summary>
/// The switches of <c>PUT /simulator/behaviour[/{system}]</c>: <paramref name="LatencyMs"/> delays every answer,
/// <paramref name="FailureRate"/> (0..1) makes that share of calls answer HTTP 500 before anything is applied,
/// <paramref name="Down"/> answers 503 to every call.
/// </summary>
public sealed record BehaviourSettings(int LatencyMs = 0, double FailureRate = 0, bool Down = false)
{
    public string? Validate() =>
        LatencyMs is < 0 or > 600_000 ? "latencyMs must be between 0 and 600000."
        : FailureRate is < 0 or > 1 || double.IsNaN(FailureRate) ? "failureRate must be between 0 and 1."
        : null;
}

/// <summary>What <c>GET /simulator/behaviour</c> shows: the switches of each system.</summary>
public sealed record BehaviourView(BehaviourSettings Billing, BehaviourSettings Network);

/// <summary>The current switches per system; each set is swapped whole so that a request always sees one consistent set.</summary>
public sealed class SimulatorBehaviour
{
    private BehaviourSettings _billing = new();
    private BehaviourSettings _network = new();

    public BehaviourSettings For(SimulatedSystem system) =>
        system == SimulatedSystem.Billing ? Volatile.Read(ref _billing) : Volatile.Read(ref _network);

    public void Set(SimulatedSystem system, BehaviourSettings settings)
    {
        if (system == SimulatedSystem.Billing)
            Volatile.Write(ref _billing, settings);
        else
            Volatile.Write(ref _network, settings);
    }

    /// <summary>The same switches for both systems.</summary>
    public void SetAll(BehaviourSettings settings)
    {
        Set(SimulatedSystem.Billing, settings);
        Set(SimulatedSystem.Network, settings);
    }

    public BehaviourView View() => new(For(SimulatedSystem.Billing), For(SimulatedSystem.Network));

    /// <summary>Draws whether this call fails; Random.Shared is thread-safe.</summary>
    public static bool ShouldFail(BehaviourSettings settings) =>
        settings.FailureRate > 0 && Random.Shared.NextDouble() < settings.FailureRate;
}
