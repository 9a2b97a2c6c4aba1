using Polly.CircuitBreaker;

namespace LastCall.Integrations.Backends;

/// <summary>How an open circuit is told in step errors and logs: which system, and that calls to it are paused.</summary>
internal static class BackendCircuit
{
    public static string Describe(string system, BrokenCircuitException open) =>
        $"the {system} failed repeatedly, so calls to it are paused for a while (circuit open: {open.Message.TrimEnd('.')})";
}
