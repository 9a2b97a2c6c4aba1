namespace LastCall.TestSupport;

/// <summary>
/// JsonSchema.Net keeps every schema built with a base URI in one process-wide registry, which is not safe for a
/// registration beside a lookup: under load a <c>$ref</c> of one schema then failed to resolve while another test
/// registered its own (RefResolutionException in CI). Every build and evaluation in the tests goes through here, one at a
/// time; an evaluation takes well under a millisecond.
/// </summary>
public static class SchemaRegistryGate
{
    private static readonly Lock Gate = new();

    public static T Run<T>(Func<T> work)
    {
        lock (Gate)
            return work();
    }
}
