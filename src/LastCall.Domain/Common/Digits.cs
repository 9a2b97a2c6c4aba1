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
    public static bool LuhnValid(ReadOnlySpan<char> digits)
    {
        var sum = 0;
        var doubleIt = false;
        for (var i = digits.Length - 1; i >= 0; i--)
        {
            var d = digits[i] - '0';
            if (doubleIt)
            {
                d *= 2;
                if (d > 9)
                    d -= 9;
            }
            sum += d;
            doubleIt = !doubleIt;
        }
        return sum % 10 == 0;
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
