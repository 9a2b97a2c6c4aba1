using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace LastCall.BackendSimulators.Wire;

/// <summary>The two back-end systems this process simulates; each has its own behaviour switches.</summary>
public enum SimulatedSystem
{
    Billing,
    Network,
}

/// <summary>Wire constants shared by the billing and network APIs: base paths, operation names, headers, JSON shape.</summary>
public static class WireProtocol
{
    public const string BillingBasePath = "/billing/v1";
    public const string NetworkBasePath = "/network/v1";

    public const string FinalBill = "final-bill";
    public const string Refund = "refund";
    public const string Deprovision = "deprovision";

    /// <summary>Set to <c>true</c> on an answer that repeats the stored first answer to the same requestId.</summary>
    public const string ReplayedHeader = "Idempotent-Replayed";

    public const int MaxRequestIdLength = 200;

    /// <summary>camelCase, absent optionals left out, enums by name, '+' written as itself (JSON for programs, never HTML).</summary>
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        Converters = { new JsonStringEnumConverter() },
    };
}

/// <summary>
/// The error body of both APIs, <c>{status, code, message}</c> (the shape CAMARA APIs use). <paramref name="Code"/>
/// is stable and machine-readable; <paramref name="Message"/> is for people.
/// </summary>
public sealed record ApiError(int Status, string Code, string Message);

/// <summary>A success that needs a second look, e.g. <c>already_deprovisioned</c>: the goal state holds.</summary>
public sealed record OperationWarning(string Code, string Message);

/// <summary>The error and warning codes of both APIs (the README lists when each is answered).</summary>
public static class ErrorCodes
{
    // 400: the request itself is wrong; nothing was looked up.
    public const string InvalidRequest = "invalid_request";
    public const string InvalidMsisdn = "invalid_msisdn";
    public const string InvalidAmount = "invalid_amount";
    public const string InvalidCurrency = "invalid_currency";

    // 422: the requestId was already used for another request.
    public const string RequestIdReused = "request_id_reused";

    // Billing.
    public const string AccountNotFound = "account_not_found";
    public const string AccountClosed = "account_closed";
    public const string AccountOpen = "account_open";
    public const string ArrearsOutstanding = "arrears_outstanding";
    public const string RefundExceedsDue = "refund_exceeds_due";
    public const string CurrencyMismatch = "currency_mismatch";

    // Network.
    public const string SubscriptionNotFound = "subscription_not_found";
    public const string AlreadyDeprovisioned = "already_deprovisioned";
}

/// <summary>MSISDNs as both APIs take them: E.164, '+' then 8 to 15 digits, the first not 0.</summary>
public static class MsisdnFormat
{
    public static bool IsE164(string? value) =>
        value is { Length: >= 9 and <= 16 } && value[0] == '+' && value[1] != '0' && !value.AsSpan(1).ContainsAnyExceptInRange('0', '9');

    public static ApiError Invalid(string? value) =>
        new(StatusCodes.Status400BadRequest, ErrorCodes.InvalidMsisdn, $"'{value}' is not an E.164 number: '+', country code and 8 to 15 digits in all.");
}

/// <summary>Money on the wire: decimals with at most two places, in a three-letter ISO 4217 currency.</summary>
public static class Amounts
{
    public static bool HasAtMostTwoDecimals(decimal value) => decimal.Round(value, 2) == value;

    public static bool IsCurrencyCode(string? code) => code is { Length: 3 } && code.All(char.IsAsciiLetterUpper);

    /// <summary>The amount with exactly two decimal places, so that every amount on the wire looks alike (12.30, 0.00).</summary>
    public static decimal Normalize(decimal value) => decimal.Round(value, 2) + 0.00m;

    /// <summary>The same amount always gives the same text (12.5 and 12.50 are one amount).</summary>
    public static string Canonical(decimal value) => value.ToString("0.00", System.Globalization.CultureInfo.InvariantCulture);
}
