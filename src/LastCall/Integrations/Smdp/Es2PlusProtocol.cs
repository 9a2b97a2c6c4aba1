using System.Text.Json;
using System.Text.Json.Serialization;

namespace LastCall.Integrations.Smdp;

/// <summary>Wire constants of GSMA SGP.22 ES2+ (section 6.5) shared by the client and the callback endpoint.</summary>
public static class Es2PlusProtocol
{
    public const string BasePath = "gsma/rsp2/es2plus/";
    public const string AdminProtocolHeader = "X-Admin-Protocol";
    public const string AdminProtocolVersion = "gsma/rsp/v2.0.0";

    public const string ExecutedSuccess = "Executed-Success";
    public const string ExecutedWithWarning = "Executed-WithWarning";
    public const string Failed = "Failed";

    /// <summary>camelCase, absent optionals left out, enums by name — ES2+ JSON.</summary>
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        NumberHandling = JsonNumberHandling.AllowReadingFromString,
        Converters = { new JsonStringEnumConverter() },
    };

    /// <summary>Any v2.x protocol version is accepted from the other side (pySim sends v2.5.0, we send v2.0.0).</summary>
    public static bool IsSupportedAdminProtocol(string? value) =>
        value is not null && value.StartsWith("gsma/rsp/v2.", StringComparison.Ordinal);
}
