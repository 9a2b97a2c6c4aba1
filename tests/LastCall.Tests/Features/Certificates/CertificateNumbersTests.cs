using System.Text.RegularExpressions;
using LastCall.Features.Certificates;

namespace LastCall.Tests.Features.Certificates;

public sealed partial class CertificateNumbersTests
{
    [GeneratedRegex("^LC-2026-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$")]
    private static partial Regex Format2026();

    [Fact]
    public void New_Year2026_MatchesFormatAndIsWellFormed()
    {
        for (var i = 0; i < 200; i++)
        {
            var number = CertificateNumbers.New(2026);

            Assert.Matches(Format2026(), number);
            Assert.Equal(CertificateNumbers.Length, number.Length);
            Assert.True(CertificateNumbers.IsWellFormed(number), number);
        }
    }

    [Fact]
    public void New_ManyNumbers_AllDistinct()
    {
        var numbers = Enumerable.Range(0, 10_000).Select(_ => CertificateNumbers.New(2026)).ToList();

        Assert.Equal(numbers.Count, numbers.Distinct(StringComparer.Ordinal).Count());
    }

    [Fact]
    public void IsWellFormed_AnySingleCharacterChanged_False()
    {
        var number = CertificateNumbers.New(2026);

        for (var position = 3; position < number.Length; position++)
        {
            if (number[position] == '-')
                continue;
            foreach (var replacement in CertificateNumbers.Alphabet)
            {
                if (replacement == number[position])
                    continue;
                var changed = string.Concat(number.AsSpan(0, position), replacement.ToString(), number.AsSpan(position + 1));
                Assert.False(CertificateNumbers.IsWellFormed(changed), $"{changed} passed the check (from {number}).");
            }
        }
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("LC-2026-000123-ABCD")]
    [InlineData("lc-2026-7KQ2-M9XD-4HFP-TZ3A")]
    [InlineData("LC-2026-7KQ2M9XD-4HFP-TZ3A-")]
    [InlineData("LC-20A6-7KQ2-M9XD-4HFP-TZ3A")]
    [InlineData("LC-2026-7KQ2-M9XD-4HFP-TZ3U")]
    public void IsWellFormed_NotCanonical_False(string? number)
    {
        Assert.False(CertificateNumbers.IsWellFormed(number));
    }

    [Fact]
    public void TryNormalize_TypedByHand_GivesCanonicalNumber()
    {
        var number = CertificateNumbers.New(2026);
        var typed = " " + number.ToLowerInvariant().Replace("-", " ", StringComparison.Ordinal).Replace('0', 'o').Replace('1', 'l') + " ";

        Assert.True(CertificateNumbers.TryNormalize(typed, out var normalized), typed);
        Assert.Equal(number, normalized);
    }

    [Fact]
    public void TryNormalize_WrongCheckCharacter_False()
    {
        var number = CertificateNumbers.New(2026);
        var last = number[^1];
        var wrong = number[..^1] + CertificateNumbers.Alphabet[(CertificateNumbers.Alphabet.IndexOf(last, StringComparison.Ordinal) + 1) % 32];

        Assert.False(CertificateNumbers.TryNormalize(wrong, out var normalized));
        Assert.Equal("", normalized);
    }

    [Fact]
    public void New_YearWithoutFourDigits_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => CertificateNumbers.New(999));
    }
}
