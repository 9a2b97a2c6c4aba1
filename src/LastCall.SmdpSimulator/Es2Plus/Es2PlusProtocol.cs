using System.Text.Json;
using System.Text.Json.Serialization;

namespace LastCall.SmdpSimulator.Es2Plus;

/// <summary>Wire constants of SGP.22 ES2+ (section 6.5): paths, the admin-protocol header and the JSON shape.</summary>
public static class Es2PlusProtocol
{
    public const string BasePath = "/gsma/rsp2/es2plus";
    public const string AdminProtocolHeader = "X-Admin-Protocol";

    /// <summary>What this SM-DP+ answers with; any <c>gsma/rsp/v2.x.y</c> request is accepted.</summary>
    public const string AdminProtocolVersion = "gsma/rsp/v2.0.0";

    public const string DownloadOrder = "downloadOrder";
    public const string ConfirmOrder = "confirmOrder";
    public const string CancelOrder = "cancelOrder";
    public const string ReleaseProfile = "releaseProfile";
    public const string HandleDownloadProgressInfo = "handleDownloadProgressInfo";

    public static readonly IReadOnlyList<string> Functions = [DownloadOrder, ConfirmOrder, CancelOrder, ReleaseProfile];

    /// <summary>camelCase, absent optionals left out, enums as their names — what ES2+ JSON looks like.</summary>
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Converters = { new JsonStringEnumConverter() },
    };

    public static bool IsSupportedAdminProtocol(string? value) =>
        value is not null && value.StartsWith("gsma/rsp/v2.", StringComparison.Ordinal);
}
