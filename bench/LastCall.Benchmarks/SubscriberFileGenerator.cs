using System.Globalization;
using System.Text;
using LastCall.Domain.Customers;
using LastCall.Security;

namespace LastCall.Benchmarks;

/// <summary>
/// Writes a large, valid subscriber CSV: distinct numbers, ICCIDs and EIDs with correct check digits,
/// one customer per four lines on average, a companion watch on every tenth line, some arrears,
/// contracts and suspended lines. Service passwords come pre-hashed (the migration path): hashing a
/// clear password costs ~0.1 s of CPU by design, which would measure PBKDF2 rather than the import.
/// </summary>
public static class SubscriberFileGenerator
{
    /// <summary>Rows <paramref name="first"/> to <paramref name="first"/> + <paramref name="rows"/> - 1 of the same endless file, so that two
    /// ranges are different subscribers; <paramref name="clearPasswords"/> writes clear passwords (hashed on import, ~0.1 s each).</summary>
    public static int Write(int rows, string file, int first = 0, bool clearPasswords = false)
    {
        var hash = clearPasswords ? "246810" : SecretHasher.Hash("246810");
        using var writer = new StreamWriter(file, false, new UTF8Encoding(false), 1 << 20);
        writer.Write("msisdn,name,id_type,id_number,service_password,plan,activated_on,contract_ends_on,balance,arrears,bundle_role,port_state,fraud_hold,profiles,bundle_primary,status,status_since,language,email\n");
        var line = new StringBuilder(400);
        for (var i = first; i < first + rows; i++)
        {
            var customer = i / 4; // four consecutive lines share an owner
            line.Clear();
            line.Append("+86150").Append((i % 100_000_000).ToString("D8", CultureInfo.InvariantCulture)).Append(',');
            line.Append("用户").Append(customer.ToString(CultureInfo.InvariantCulture)).Append(",resident_id,");
            line.Append(ResidentId(customer)).Append(',').Append(hash).Append(',');
            line.Append(i % 3 == 0 ? "5G畅享 129元" : "4G畅享 58元").Append(',');
            line.Append(new DateOnly(2015, 1, 1).AddDays(i % 3650).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)).Append(',');
            line.Append(i % 7 == 0 ? "2027-06-30" : "").Append(',');
            line.Append(i % 5 == 0 ? "35.80" : "0.00").Append(',');
            line.Append(i % 11 == 0 ? "158.00" : "0.00").Append(",,,false,");
            line.Append(Iccid(2L * i)).Append(':').Append(Eid(2L * i)).Append(":primary:Phone");
            if (i % 10 == 0)
                line.Append('|').Append(Iccid(2L * i + 1)).Append("::companion:Watch");
            line.Append(",,").Append(i % 13 == 0 ? "suspended,2026-06-01" : "active,").Append(",zh-CN,\n");
            writer.Write(line);
        }
        Console.WriteLine($"wrote {rows:N0} rows to {file}");
        return 0;
    }

    internal static string ResidentId(int n)
    {
        var body = $"110101{1950 + n % 50:D4}{1 + n / 50 % 12:D2}{1 + n / 600 % 28:D2}{n / 16800 % 1000:D3}";
        return body + IdDocument.ResidentIdCheckCharacter(body);
    }

    private static string Iccid(long n) => Domain.Common.Iccid.FromBody("8986011" + (n % 1_000_000_000_000).ToString("D12", CultureInfo.InvariantCulture)).Value.Value;

    private static string Eid(long n) => Domain.Common.Eid.FromPrefix("89049032" + (n % 1_000_000_000_000).ToString("D22", CultureInfo.InvariantCulture)).Value.Value;
}
