namespace LastCall.Domain.Numbers;

/// <summary>
/// The answer to "was number N permanently disconnected on or after date D?" (FCC reassigned-numbers
/// database semantics). The partner API writes these as <c>yes</c>, <c>no</c> and <c>no_data</c>.
/// </summary>
public enum LookupResult
{
    /// <summary>The register holds a disconnection of the number dated on or after the date asked.</summary>
    Yes,

    /// <summary>No disconnection of the number is dated on or after the date asked.</summary>
    No,

    /// <summary>The date asked is before the register begins, so the register cannot say.</summary>
    NoData,
}
