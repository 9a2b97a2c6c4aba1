using System.Text;

namespace LastCall.Tests.Infrastructure;

/// <summary>Valid identifiers with correct check digits, generated from a counter so tests never collide.</summary>
public static class TestData
{
    private static readonly int[] ResidentIdWeights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    private static int _counter = Random.Shared.Next(1_000_000, 9_000_000);

    public static int Next() => Interlocked.Increment(ref _counter);

    public static string Msisdn(int n) => $"+86139{n % 100_000_000:D8}";

    /// <summary>A 20-digit ICCID with a correct Luhn check digit.</summary>
    public static string Iccid(int n)
    {
        var body = $"8986011{n % 1_000_000_000_000:D12}";
        return body + LuhnCheckDigit(body);
    }

    /// <summary>A 32-digit EID whose value modulo 97 is 1.</summary>
    public static string Eid(int n)
    {
        var prefix = $"89049032{n % 1_000_000_000:D22}";
        var remainder = Mod97(prefix + "00");
        return prefix + (98 - remainder).ToString("D2", System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>An 18-character resident ID with a real birth date and a correct MOD 11-2 check character.</summary>
    public static string ResidentId(int n)
    {
        var body = $"110101{1970 + n % 40:D4}{1 + n % 12:D2}{1 + n % 28:D2}{n % 1000:D3}";
        var sum = 0;
        for (var i = 0; i < 17; i++)
            sum += (body[i] - '0') * ResidentIdWeights[i];
        return body + "10X98765432"[sum % 11];
    }

    public const string Header = "msisdn,name,id_type,id_number,service_password,plan,activated_on,contract_ends_on,balance,arrears,bundle_role,port_state,fraud_hold,profiles";

    public const string HeaderWithStatus = Header + ",bundle_primary,status,status_since,language,email";

    /// <summary>A clean subscriber row (14 columns) with one primary profile.</summary>
    public static string Row(int n, string? msisdn = null, string? idNumber = null, string password = "246810", string arrears = "0.00", string balance = "0.00", string? profiles = null, string name = "张伟") =>
        string.Join(',', msisdn ?? Msisdn(n), name, "resident_id", idNumber ?? ResidentId(n), password, "5G畅享 129元", "2020-03-01", "", balance, arrears, "", "", "false",
            profiles ?? $"{Iccid(n)}:{Eid(n)}:primary:iPhone 16");

    public static MemoryStream Csv(params string[] lines) => new(Encoding.UTF8.GetBytes(string.Join('\n', lines) + "\n"));

    private static char LuhnCheckDigit(string body)
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

    private static int Mod97(string digits)
    {
        var remainder = 0;
        foreach (var c in digits)
            remainder = (remainder * 10 + (c - '0')) % 97;
        return remainder;
    }
}
