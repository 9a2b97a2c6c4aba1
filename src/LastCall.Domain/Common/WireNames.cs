using System.Text.Json;

namespace LastCall.Domain.Common;

/// <summary>How enum values are written on the wire, in metrics and in traces: snake_case (<c>WaitingForDependency</c> → <c>waiting_for_dependency</c>).</summary>
public static class WireNames
{
    public static string ToWireName(this Enum value) => JsonNamingPolicy.SnakeCaseLower.ConvertName(value.ToString());
}
