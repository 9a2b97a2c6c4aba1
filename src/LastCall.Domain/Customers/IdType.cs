using LastCall.Domain.Common;

namespace LastCall.Domain.Customers;

/// <summary>The kinds of identity document accepted for real-name registration.</summary>
public enum IdType
{
    /// <summary>Mainland resident identity card (居民身份证), 18 characters with a MOD 11-2 check.</summary>
    ResidentId,

    /// <summary>Passport of any country.</summary>
    Passport,

    /// <summary>Mainland travel permit for Hong Kong and Macao residents (港澳居民来往内地通行证).</summary>
    HkMacaoPermit,

    /// <summary>Mainland travel permit for Taiwan residents (台湾居民来往大陆通行证).</summary>
    TaiwanPermit,
}

public static class IdTypeCodes
{
    /// <summary>The wire and CSV code of each ID type (snake_case, stable).</summary>
    public static string ToCode(this IdType type) => type switch
    {
        IdType.ResidentId => "resident_id",
        IdType.Passport => "passport",
        IdType.HkMacaoPermit => "hk_macao_permit",
        IdType.TaiwanPermit => "taiwan_permit",
        _ => throw new ArgumentOutOfRangeException(nameof(type)),
    };

    public static bool TryParse(string? code, out IdType type)
    {
        foreach (var candidate in Enum.GetValues<IdType>())
        {
            if (string.Equals(candidate.ToCode(), code, StringComparison.Ordinal))
            {
                type = candidate;
                return true;
            }
        }
        type = default;
        return false;
    }

    /// <summary>
    /// Reads the ID type a person gave at <paramref name="field"/>; when none was given, <paramref name="otherwise"/>
    /// (the ID type on file). An unknown code is a validation error naming every accepted code.
    /// </summary>
    public static Result<IdType> Parse(string? code, IdType otherwise, string field)
    {
        if (code is null)
            return otherwise;
        if (TryParse(code, out var type))
            return type;
        return Fail.Validation(field, "invalid_id_type", "idType must be " + string.Join(", ", Enum.GetValues<IdType>()[..^1].Select(t => t.ToCode())) + " or " + Enum.GetValues<IdType>()[^1].ToCode() + ".");
    }
}
