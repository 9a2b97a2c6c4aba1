using System.Text.Json;
using System.Text.Json.Serialization;

namespace LastCall.Integrations.Backends;

/// <summary>Wire shapes shared by the billing and network APIs.</summary>
internal static class BackendWire
{
    /// <summary>Set to <c>true</c> by the system on an answer that repeats the first answer to the same requestId.</summary>
    public const string ReplayedHeader = "Idempotent-Replayed";

    /// <summary>camelCase, absent optionals left out, enums by name.</summary>
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        NumberHandling = JsonNumberHandling.AllowReadingFromString,
        Converters = { new JsonStringEnumConverter() },
    };
}

/// <summary>The error body of both APIs: <c>{status, code, message}</c>.</summary>
internal sealed record WireError(int? Status, string? Code, string? Message);

/// <summary>A warning carried by a successful answer: <c>{code, message}</c>.</summary>
internal sealed record WireWarning(string? Code, string? Message);

/// <summary>A success body that may carry a warning.</summary>
internal interface IWireWarningCarrier
{
    WireWarning? Warning { get; }
}
