namespace LastCall.Domain.Common;

/// <summary>
/// An ICCID (ITU-T E.118): 19 or 20 digits, starting with the telecom industry prefix 89,
/// ending with a Luhn check digit. Only valid values can be constructed.
/// </summary>
public sealed record Iccid
{
    private Iccid(string value) => Value = value;

    public string Value { get; }

    public static Result<Iccid> Create(string? text)
    {
        if (string.IsNullOrEmpty(text) || text.Length is < 19 or > 20 || !Digits.AllDigits(text))
            return Result<Iccid>.Failure("invalid_iccid", "An ICCID has 19 or 20 digits.");
        if (!text.StartsWith("89", StringComparison.Ordinal))
            return Result<Iccid>.Failure("invalid_iccid", "An ICCID starts with 89.");
        if (!Digits.LuhnValid(text))
            return Result<Iccid>.Failure("invalid_iccid", "The ICCID's check digit (Luhn) is wrong.");
        return new Iccid(text);
    }

    /// <summary>Issues the ICCID whose digits before the check digit are <paramref name="body"/> (18 or 19 digits).</summary>
    public static Result<Iccid> FromBody(string body) =>
        Digits.AllDigits(body) ? Create(body + Digits.LuhnCheckDigit(body)) : Result<Iccid>.Failure("invalid_iccid", "An ICCID has only digits.");

    public static Iccid Parse(string text) => Create(text) is { IsSuccess: true } r ? r.Value : throw new FormatException($"'{text}' is not a valid ICCID.");

    public override string ToString() => Value;
}
