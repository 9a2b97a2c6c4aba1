namespace LastCall.Domain.Common;

/// <summary>
/// An eUICC identifier (GSMA SGP.29): 32 digits starting with 89 whose value modulo 97 is 1
/// (the last two digits are ISO 7064 MOD 97-10 check digits). Only valid values can be constructed.
/// </summary>
public sealed record Eid
{
    private Eid(string value) => Value = value;

    public string Value { get; }

    public static Result<Eid> Create(string? text)
    {
        if (string.IsNullOrEmpty(text) || text.Length != 32 || !Digits.AllDigits(text))
            return Result<Eid>.Failure("invalid_eid", "An EID has exactly 32 digits.");
        if (!text.StartsWith("89", StringComparison.Ordinal))
            return Result<Eid>.Failure("invalid_eid", "An EID starts with 89.");
        if (Digits.Mod97(text) != 1)
            return Result<Eid>.Failure("invalid_eid", "The EID's check digits are wrong.");
        return new Eid(text);
    }

    /// <summary>Completes a 30-digit EID prefix with its two check digits.</summary>
    public static Result<Eid> FromPrefix(string prefix)
    {
        if (prefix.Length != 30 || !Digits.AllDigits(prefix))
            return Result<Eid>.Failure("invalid_eid", "An EID prefix has exactly 30 digits.");
        var check = 98 - Digits.Mod97(prefix + "00");
        return Create(prefix + check.ToString("D2", System.Globalization.CultureInfo.InvariantCulture));
    }

    public static Eid Parse(string text) => Create(text) is { IsSuccess: true } r ? r.Value : throw new FormatException($"'{text}' is not a valid EID.");

    public override string ToString() => Value;
}
