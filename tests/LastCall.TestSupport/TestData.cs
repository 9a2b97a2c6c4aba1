using System.Text;
using LastCall.Domain.Customers;

namespace LastCall.TestSupport;

/// <summary>Valid identifiers with correct check digits, generated from a counter so tests never collide.</summary>
public static class TestData
{
    private static int _counter = Random.Shared.Next(1_000_000, 9_000_000);

    public static int Next() => Interlocked.Increment(ref _counter);

    public static string Msisdn(int n) => $"+86139{n % 100_000_000:D8}";

    /// <summary>A 20-digit ICCID with a correct Luhn check digit.</summary>
    public static string Iccid(int n) => Domain.Common.Iccid.FromBody($"8986011{n % 1_000_000_000_000:D12}").Value.Value;

    /// <summary>A 32-digit EID whose value modulo 97 is 1.</summary>
    public static string Eid(int n) => Domain.Common.Eid.FromPrefix($"89049032{n % 1_000_000_000:D22}").Value.Value;

    /// <summary>An 18-character resident ID with a real birth date and a correct MOD 11-2 check character.</summary>
    public static string ResidentId(int n)
    {
        var body = $"110101{1970 + n % 40:D4}{1 + n % 12:D2}{1 + n % 28:D2}{n % 1000:D3}";
        return body + IdDocument.ResidentIdCheckCharacter(body);
    }

    public const string Header = "msisdn,name,id_type,id_number,service_password,plan,activated_on,contract_ends_on,balance,arrears,bundle_role,port_state,fraud_hold,profiles";

    public const string HeaderWithStatus = Header + ",bundle_primary,status,status_since,language,email";

    /// <summary>The service password of <see cref="Row"/>'s lines unless a test names another.</summary>
    public const string RowPassword = "246810";

    /// <summary>
    /// A clean subscriber row (14 columns) with one primary profile. Its service password is <see cref="RowPassword"/>,
    /// written hashed (the import takes both forms) so that a test importing rows pays no 600,000-iteration hash per row;
    /// a test of the clear-text path passes <paramref name="password"/> in clear.
    /// </summary>
    public static string Row(int n, string? msisdn = null, string? idNumber = null, string? password = null, string arrears = "0.00", string balance = "0.00", string? profiles = null, string name = "张伟") =>
        string.Join(',', msisdn ?? Msisdn(n), name, "resident_id", idNumber ?? ResidentId(n), password ?? HashOf(RowPassword), "5G畅享 129元", "2020-03-01", "", balance, arrears, "", "", "false",
            profiles ?? $"{Iccid(n)}:{Eid(n)}:primary:iPhone 16");

    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, Lazy<string>> Hashes = new();

    /// <summary>
    /// A pbkdf2 hash of <paramref name="secret"/> (as <see cref="LastCall.Security.SecretHasher"/> makes it), computed once
    /// per run: set-up data (staff accounts, imported service passwords, which the import takes hashed as well as in
    /// clear) needs no 0.1 s of CPU per account.
    /// </summary>
    public static string HashOf(string secret) =>
        Hashes.GetOrAdd(secret, s => new Lazy<string>(() => LastCall.Security.SecretHasher.Hash(s))).Value;

    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, Lazy<string>> SignInHashes = new();

    /// <summary>
    /// A hash of <paramref name="secret"/> in the stored format (<c>pbkdf2-sha256$ITERATIONS$SALT$HASH</c>) with only 1,000
    /// iterations, for accounts the tests sign in to. The product verifies a hash with the iterations it names and makes
    /// every new hash with 600,000, so the sign-in code path is the same; but the suite signs in over a thousand times,
    /// and at 600,000 iterations those checks were a quarter of the test process's CPU (perf). Only set-up data written
    /// straight to the database uses it: the import takes no hash under 600,000 iterations.
    /// </summary>
    public static string SignInHashOf(string secret) =>
        SignInHashes.GetOrAdd(secret, s => new Lazy<string>(() => LastCall.Security.SecretHasher.Hash(s, iterations: 1_000))).Value;

    public static MemoryStream Csv(params string[] lines) => new(Encoding.UTF8.GetBytes(string.Join('\n', lines) + "\n"));
}
