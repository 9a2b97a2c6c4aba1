using System.Globalization;
using System.Text;

namespace LastCall.Benchmarks;

/// <summary>
/// Writes a legacy disconnection register: ROWS distinct mainland mobile numbers (+86 1xx…), each with
/// a disconnection day spread over the last ten years.
/// </summary>
public static class DisconnectionFileGenerator
{
    public static int Write(long rows, string file)
    {
        using var writer = new StreamWriter(file, false, new UTF8Encoding(false), 1 << 20);
        writer.Write("msisdn,disconnected_on\n");
        var first = new DateOnly(2016, 1, 1);
        for (long i = 0; i < rows; i++)
        {
            // Spread numbers over 130–199 prefixes; a multiplicative step keeps them distinct and unordered.
            var n = (i * 7_919L) % 7_000_000_000L;
            var number = 13_000_000_000L + n;
            var day = first.AddDays((int)(i * 37 % 3650));
            writer.Write(string.Create(CultureInfo.InvariantCulture, $"+86{number},{day:yyyy-MM-dd}\n"));
        }
        Console.WriteLine($"wrote {rows:N0} rows to {file}");
        return 0;
    }
}
