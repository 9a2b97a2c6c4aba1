namespace LastCall.Domain.Common;

internal static class Digits
{
    public static bool AllDigits(ReadOnlySpan<char> s)
    {
        foreach (var c in s)
        {
            if (c is < '0' or > '9')
                return false;
        }
        return s.Length > 0;
    }

    /// <summary>Luhn (ISO/IEC 7812) check over the whole string, check digit last.</summary>
    public static bool LuhnValid(ReadOnlySpan<char> digits) =>
        digits.Length > 1 && LuhnCheckDigit(digits[..^1]) == digits[^1];

    /// <summary>The Luhn check digit to append to <paramref name="body"/>.</summary>
    public static char LuhnCheckDigit(ReadOnlySpan<char> body)
    {
        var sum = 0;
        var doubleIt = true;
        for (var i = body.Length - 1; i >= 0; i--)
        {
            var d = body[i] - '0';
            if (doubleIt)
            {
                d *= 2;
                if (d > 9)
                    d -= 9;
            }
            sum += d;
            doubleIt = !doubleIt;
        }
        return (char)('0' + (10 - sum % 10) % 10);
    }

    /// <summary>The remainder of a long decimal string divided by 97, as used by ISO 7064 MOD 97-10.</summary>
    public static int Mod97(ReadOnlySpan<char> digits)
    {
        var remainder = 0;
        foreach (var c in digits)
            remainder = (remainder * 10 + (c - '0')) % 97;
        return remainder;
    }
}
