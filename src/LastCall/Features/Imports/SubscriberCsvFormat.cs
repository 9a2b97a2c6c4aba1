using System.Globalization;
using LastCall.Domain.Common;
using LastCall.Domain.Customers;
using LastCall.Domain.Lines;
using LastCall.Security;

namespace LastCall.Features.Imports;

/// <summary>
/// The subscriber CSV of API.md: a header row naming the columns (any order), then one line per row.
/// Required: msisdn,name,id_type,id_number,service_password,plan,activated_on,contract_ends_on,balance,
/// arrears,bundle_role,port_state,fraud_hold,profiles. Optional extras: bundle_primary (a member's
/// primary number), status (active|suspended|barred|cancelled), status_since (date), language, email,
/// number_category (the number's category for its quarantine period; default standard).
/// </summary>
public sealed class SubscriberCsvFormat
{
    public static readonly IReadOnlyList<string> RequiredColumns =
    [
        "msisdn", "name", "id_type", "id_number", "service_password", "plan", "activated_on", "contract_ends_on",
        "balance", "arrears", "bundle_role", "port_state", "fraud_hold", "profiles",
    ];

    public static readonly IReadOnlyList<string> OptionalColumns = ["bundle_primary", "status", "status_since", "language", "email", "number_category"];

    private readonly Dictionary<string, int> _index;
    private readonly int _columnCount;
    private readonly DateOnly _today;

    private SubscriberCsvFormat(Dictionary<string, int> index, int columnCount, DateOnly today)
    {
        _index = index;
        _columnCount = columnCount;
        _today = today;
    }

    public static Result<SubscriberCsvFormat> FromHeader(string[] header, DateOnly today)
    {
        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < header.Length; i++)
        {
            var name = header[i].Trim().ToLowerInvariant();
            if (!RequiredColumns.Contains(name) && !OptionalColumns.Contains(name))
                return Result<SubscriberCsvFormat>.Failure("invalid_header", $"Unknown column '{header[i]}'. Expected: {string.Join(",", RequiredColumns)} (optional: {string.Join(",", OptionalColumns)}).");
            if (!index.TryAdd(name, i))
                return Result<SubscriberCsvFormat>.Failure("invalid_header", $"Column '{name}' appears twice.");
        }
        var missing = RequiredColumns.Where(c => !index.ContainsKey(c)).ToList();
        if (missing.Count > 0)
            return Result<SubscriberCsvFormat>.Failure("invalid_header", $"Missing column(s): {string.Join(", ", missing)}. The first line must be the header row.");
        return new SubscriberCsvFormat(index, header.Length, today);
    }

    public Result<SubscriberRecord> Parse(int row, string[] fields)
    {
        if (fields.Length != _columnCount)
            return Fail("column_count", $"Expected {_columnCount} columns, found {fields.Length}.");

        var msisdn = Msisdn.Create(Get(fields, "msisdn"));
        if (!msisdn.IsSuccess)
            return msisdn.Error!;

        var name = Get(fields, "name");
        if (name.Length is 0 or > Customer.MaxNameLength || name.Any(char.IsControl))
            return Fail("invalid_name", $"The name must have 1 to {Customer.MaxNameLength} characters.");

        if (!IdTypeCodes.TryParse(Get(fields, "id_type"), out var idType))
            return Fail("invalid_id_type", "id_type must be resident_id, passport, hk_macao_permit or taiwan_permit.");
        var id = IdDocument.Create(idType, Get(fields, "id_number"));
        if (!id.IsSuccess)
            return id.Error!;

        var password = Get(fields, "service_password");
        string? clearPassword = null, passwordHash = null;
        if (password.Length is >= 6 and <= 12 && password.All(char.IsAsciiDigit))
            clearPassword = password;
        else if (SecretHasher.IsAcceptableHash(password))
            passwordHash = password;
        else
            return Fail("invalid_service_password", "The service password must be 6 to 12 digits (or a pbkdf2-sha256 hash of at least 600,000 iterations).");

        var plan = Get(fields, "plan");
        if (plan.Length is 0 or > Line.MaxPlanLength)
            return Fail("invalid_plan", $"The plan must have 1 to {Line.MaxPlanLength} characters.");

        if (!TryDate(Get(fields, "activated_on"), out var activatedOn) || activatedOn is null)
            return Fail("invalid_date", "activated_on must be a date (YYYY-MM-DD).");
        if (activatedOn > _today)
            return Fail("invalid_date", "activated_on is in the future.");
        if (!TryDate(Get(fields, "contract_ends_on"), out var contractEndsOn))
            return Fail("invalid_date", "contract_ends_on must be empty or a date (YYYY-MM-DD).");
        if (contractEndsOn < activatedOn)
            return Fail("invalid_date", "The contract cannot end before the line was activated.");

        if (ParseAmount(Get(fields, "balance"), "balance") is { IsSuccess: false } badBalance)
            return badBalance.Error!;
        if (ParseAmount(Get(fields, "arrears"), "arrears") is { IsSuccess: false } badArrears)
            return badArrears.Error!;
        var balance = ParseAmount(Get(fields, "balance"), "balance").Value;
        var arrears = ParseAmount(Get(fields, "arrears"), "arrears").Value;

        BundleRole bundleRole;
        switch (Get(fields, "bundle_role"))
        {
            case "": bundleRole = BundleRole.None; break;
            case "primary": bundleRole = BundleRole.Primary; break;
            case "member": bundleRole = BundleRole.Member; break;
            default: return Fail("invalid_bundle_role", "bundle_role must be empty, primary or member.");
        }
        Msisdn? bundlePrimary = null;
        if (Get(fields, "bundle_primary") is { Length: > 0 } primaryText)
        {
            if (bundleRole != BundleRole.Member)
                return Fail("invalid_bundle_role", "Only a bundle member names a bundle_primary.");
            var primary = Msisdn.Create(primaryText);
            if (!primary.IsSuccess)
                return Fail("invalid_bundle_role", "bundle_primary is not a valid number.");
            if (primary.Value == msisdn.Value)
                return Fail("invalid_bundle_role", "A line cannot be its own bundle primary.");
            bundlePrimary = primary.Value;
        }

        PortState portState;
        switch (Get(fields, "port_state"))
        {
            case "": portState = PortState.None; break;
            case "port_in": portState = PortState.PortInPending; break;
            default: return Fail("invalid_port_state", "port_state must be empty or port_in.");
        }

        bool fraudHold;
        switch (Get(fields, "fraud_hold").ToLowerInvariant())
        {
            case "true": fraudHold = true; break;
            case "false": fraudHold = false; break;
            default: return Fail("invalid_flag", "fraud_hold must be true or false.");
        }

        var profiles = ParseProfiles(Get(fields, "profiles"));
        if (!profiles.IsSuccess)
            return profiles.Error!;

        ImportedStatus status;
        switch (Get(fields, "status"))
        {
            case "" or "active": status = ImportedStatus.Active; break;
            case "suspended": status = ImportedStatus.Suspended; break;
            case "barred": status = ImportedStatus.Barred; break;
            case "cancelled": status = ImportedStatus.Cancelled; break;
            default: return Fail("invalid_status", "status must be active, suspended, barred or cancelled.");
        }
        if (!TryDate(Get(fields, "status_since"), out var statusSince))
            return Fail("invalid_date", "status_since must be empty or a date (YYYY-MM-DD).");
        if (statusSince > _today || statusSince < activatedOn)
            return Fail("invalid_date", "status_since must lie between activated_on and today.");
        if (status == ImportedStatus.Cancelled && statusSince is null)
            return Fail("invalid_date", "A cancelled line needs status_since: the day it was disconnected.");

        var language = Get(fields, "language") is { Length: > 0 } lang ? lang : "zh-CN";
        if (!Customer.SupportedLanguages.Contains(language))
            return Fail("invalid_language", "language must be zh-CN or en.");
        var email = Get(fields, "email");
        if (email.Length > 0 && (email.Length > 254 || email.IndexOf('@', StringComparison.Ordinal) is <= 0 || email.EndsWith('@')))
            return Fail("invalid_email", "email is not an e-mail address.");

        var category = Get(fields, "number_category");
        if (category.Length > 0 && Domain.Numbers.PoolNumber.NormalizeCategory(category) is { IsSuccess: false } badCategory)
            return Fail(badCategory.Error!.Code, badCategory.Error.Message);

        var details = new LineDetails(msisdn.Value, plan, activatedOn.Value, contractEndsOn, bundleRole, bundlePrimary, portState, fraudHold);
        return new SubscriberRecord(row, details, name, id.Value, clearPassword, passwordHash, balance, arrears, profiles.Value,
            status, statusSince, language, email.Length > 0 ? email : null, category.Length > 0 ? category : null);
    }

    private string Get(string[] fields, string column) =>
        _index.TryGetValue(column, out var i) ? fields[i].Trim() : "";

    private static DomainError Fail(string code, string message) => new(code, message);

    private static bool TryDate(string text, out DateOnly? date)
    {
        date = null;
        if (text.Length == 0)
            return true;
        if (!DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d))
            return false;
        date = d;
        return true;
    }

    private static Result<decimal> ParseAmount(string text, string column)
    {
        if (text.Length == 0)
            return 0m;
        if (!decimal.TryParse(text, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var amount) || decimal.Round(amount, 2) != amount || amount > 10_000_000m)
            return Result<decimal>.Failure("invalid_amount", $"{column} must be an amount like 12.50.");
        if (amount < 0)
            return Result<decimal>.Failure("negative_amount", $"{column} cannot be negative.");
        return amount;
    }

    /// <summary><c>iccid:eid:role:device</c> items separated by '|'; the EID may be empty before download.</summary>
    private static Result<IReadOnlyList<ProfileSpec>> ParseProfiles(string text)
    {
        var specs = new List<ProfileSpec>();
        if (text.Length == 0)
            return specs;
        foreach (var item in text.Split('|'))
        {
            var parts = item.Split(':', 4);
            if (parts.Length != 4)
                return Result<IReadOnlyList<ProfileSpec>>.Failure("invalid_profile", $"Profile '{item}' must be iccid:eid:role:device.");
            var iccid = Iccid.Create(parts[0].Trim());
            if (!iccid.IsSuccess)
                return iccid.Error!;
            Eid? eid = null;
            if (parts[1].Trim().Length > 0)
            {
                var parsed = Eid.Create(parts[1].Trim());
                if (!parsed.IsSuccess)
                    return parsed.Error!;
                eid = parsed.Value;
            }
            ProfileRole role;
            switch (parts[2].Trim())
            {
                case "primary": role = ProfileRole.Primary; break;
                case "companion": role = ProfileRole.Companion; break;
                default: return Result<IReadOnlyList<ProfileSpec>>.Failure("invalid_profile_role", $"Profile role '{parts[2]}' must be primary or companion.");
            }
            var device = parts[3].Trim();
            if (device.Length > EsimProfile.MaxDeviceLabelLength)
                return Result<IReadOnlyList<ProfileSpec>>.Failure("invalid_profile", $"A device label has at most {EsimProfile.MaxDeviceLabelLength} characters.");
            specs.Add(new ProfileSpec(iccid.Value, eid, role, device, eid is null ? ProfileState.Released : ProfileState.Installed));
        }
        if (specs.Count(s => s.Role == ProfileRole.Primary) > 1)
            return Result<IReadOnlyList<ProfileSpec>>.Failure("invalid_profile", "A line has at most one primary profile.");
        if (specs.Select(s => s.Iccid).Distinct().Count() != specs.Count)
            return Result<IReadOnlyList<ProfileSpec>>.Failure("invalid_profile", "The same ICCID is listed twice.");
        return specs;
    }
}
