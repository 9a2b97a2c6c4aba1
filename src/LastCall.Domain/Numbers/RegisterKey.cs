using System.Numerics;

namespace LastCall.Domain.Numbers;

/// <summary>
/// The compact forms the disconnection index stores: a number as the <see cref="long"/> of its E.164
/// digits, and a day as a <see cref="ushort"/> count of days since 1970-01-01.
/// </summary>
internal static class RegisterKey
{
    /// <summary>The smallest E.164 number: 8 digits, first digit not 0.</summary>
    public const long MinMsisdn = 10_000_000L;

    /// <summary>The largest E.164 number: 15 digits, below 2^50.</summary>
    public const long MaxMsisdn = 999_999_999_999_999L;

    /// <summary>
    /// Numbers are bucketed by all but their low 24 bits (blocks of 16,777,216 consecutive numbers;
    /// +86 13x–19x spans 418 of them), and a bucket stores only those 24 bits.
    /// </summary>
    public const int LowBits = 24;

    public const uint LowMask = (1u << LowBits) - 1;

    /// <summary>The highest bucket number (<c>MaxMsisdn &gt;&gt; 24</c>, below 2^26).</summary>
    public const int MaxBucket = (int)(MaxMsisdn >> LowBits);

    public static readonly DateOnly FirstDay = new(1970, 1, 1);

    /// <summary>The last day a <see cref="ushort"/> day number can hold: 2149-06-06.</summary>
    public static readonly DateOnly LastDay = FirstDay.AddDays(ushort.MaxValue);

    private static readonly int FirstDayNumber = FirstDay.DayNumber;

    public static bool IsValidMsisdn(long msisdn) => msisdn is >= MinMsisdn and <= MaxMsisdn;

    public static int Bucket(long msisdn) => (int)(msisdn >> LowBits);

    public static uint Low(long msisdn) => (uint)msisdn & LowMask;

    public static void CheckMsisdn(long msisdn)
    {
        if (!IsValidMsisdn(msisdn))
            throw new ArgumentOutOfRangeException(nameof(msisdn), msisdn, "An E.164 number has 8 to 15 digits and does not start with 0.");
    }

    public static ushort EncodeDay(DateOnly day)
    {
        if (day < FirstDay || day > LastDay)
            throw new ArgumentOutOfRangeException(nameof(day), day, $"The register holds days from {FirstDay:yyyy-MM-dd} to {LastDay:yyyy-MM-dd}.");
        return (ushort)(day.DayNumber - FirstDayNumber);
    }

    public static DateOnly DecodeDay(int day) => DateOnly.FromDayNumber(FirstDayNumber + day);

    /// <summary>The day as the same count of days since 1970-01-01, negative before it (never throws).</summary>
    public static int DayOffset(DateOnly day) => day.DayNumber - FirstDayNumber;

    /// <summary>
    /// Parses E.164 text (<c>+8613800000001</c>) into its digits as a number, with the rules of
    /// <see cref="Common.Msisdn"/>: '+', 8 to 15 ASCII digits, no leading 0, and +86 numbers must be
    /// 11-digit mobiles starting 13 to 19. Works on UTF-16 chars and UTF-8 bytes alike; never allocates.
    /// </summary>
    public static bool TryParse<T>(ReadOnlySpan<T> text, out long msisdn)
        where T : unmanaged, IBinaryInteger<T>
    {
        msisdn = 0;
        if (text.Length is < 9 or > 16 || uint.CreateTruncating(text[0]) != '+')
            return false;
        long value = 0;
        for (var i = 1; i < text.Length; i++)
        {
            var digit = uint.CreateTruncating(text[i]) - '0';
            if (digit > 9)
                return false;
            value = value * 10 + digit;
        }
        if (uint.CreateTruncating(text[1]) == '0')
            return false;
        if (uint.CreateTruncating(text[1]) == '8' && uint.CreateTruncating(text[2]) == '6'
            && (text.Length != 14 || uint.CreateTruncating(text[3]) != '1' || uint.CreateTruncating(text[4]) < '3'))
        {
            return false;
        }
        msisdn = value;
        return true;
    }
}
