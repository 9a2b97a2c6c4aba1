using LastCall.Domain.Common;

namespace LastCall.Domain.Tests;

/// <summary>Fixed instants and check-digit helpers shared by the domain tests.</summary>
internal static class TestData
{
    public static readonly DateTimeOffset Now = new(2025, 3, 1, 10, 0, 0, TimeSpan.Zero);

    public static readonly DateTimeOffset Later = new(2025, 3, 2, 8, 30, 0, TimeSpan.Zero);

    public static readonly DateTimeOffset MuchLater = new(2025, 6, 15, 12, 0, 0, TimeSpan.Zero);

    public static Msisdn Msisdn(string text) => global::LastCall.Domain.Common.Msisdn.Parse(text);

    /// <summary>Appends the Luhn check digit to <paramref name="body"/>.</summary>
    public static string WithLuhnCheckDigit(string body)
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
        return body + (char)('0' + ((10 - (sum % 10)) % 10));
    }

    /// <summary>Appends ISO 7064 MOD 97-10 check digits to a 30-digit EID prefix.</summary>
    public static string WithEidCheckDigits(string prefix)
    {
        var remainder = 0;
        foreach (var c in prefix + "00")
            remainder = ((remainder * 10) + (c - '0')) % 97;
        return prefix + (98 - remainder).ToString("00", System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>Appends the ISO 7064 MOD 11-2 check character to a 17-digit resident ID body.</summary>
    public static string WithResidentIdCheckChar(string body)
    {
        int[] weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
        var sum = 0;
        for (var i = 0; i < 17; i++)
            sum += (body[i] - '0') * weights[i];
        return body + "10X98765432"[sum % 11];
    }

    public static Iccid Iccid(string body) => global::LastCall.Domain.Common.Iccid.Parse(WithLuhnCheckDigit(body));

    public static Eid Eid(string prefix) => global::LastCall.Domain.Common.Eid.Parse(WithEidCheckDigits(prefix));
}
