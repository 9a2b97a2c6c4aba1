using System.Globalization;
using LastCall.Data;
using Microsoft.EntityFrameworkCore;

namespace LastCall.Features.Lookup;

/// <summary>
/// Which numbers are ours (API.md, "Second release", number lifecycle): inside <c>Numbers:Ranges</c> (comma-separated
/// E.164 prefixes the operator holds; by default <c>+86138,+86139</c>, the blocks of the demo data and the test data),
/// a line we have outside them (ported in, kept in memory and read again every <c>Numbers:LinesRefreshSeconds</c>,
/// 300 by default), or a number in our disconnection register. Answered from memory: a prefix check, a set and the
/// register index; lookups never query the database for it.
/// </summary>
public sealed class ServedNumbers(IDbContextFactory<AppDbContext> contexts, ServedNumberSettings settings, RegisterIndexService register, Hosting.DatabaseOutage outage, ILogger<ServedNumbers> logger) : BackgroundService
{
    public const string DefaultRanges = "+86138,+86139";

    private readonly (long Prefix, int Digits)[] _ranges = ParseRanges(settings.Ranges);
    private readonly TimeSpan _refresh = settings.LinesRefresh;
    private HashSet<long> _linesOutsideRanges = [];

    /// <summary>The configured prefixes, as E.164 text.</summary>
    public IReadOnlyList<string> Ranges => [.. _ranges.Select(r => "+" + r.Prefix.ToString(CultureInfo.InvariantCulture))];

    /// <summary>Whether <paramref name="msisdn"/> (E.164 digits as a number, see <see cref="Domain.Numbers.DisconnectionIndex.TryParseMsisdn(ReadOnlySpan{char}, out long)"/>) is ours.</summary>
    public bool IsServed(long msisdn) =>
        InRanges(msisdn) || Volatile.Read(ref _linesOutsideRanges).Contains(msisdn) || register.Index?.LatestDisconnection(msisdn) is not null;

    public bool InRanges(long msisdn)
    {
        var digits = Digits(msisdn);
        foreach (var (prefix, length) in _ranges)
        {
            if (digits >= length && msisdn / Pow10[digits - length] == prefix)
                return true;
        }
        return false;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                Volatile.Write(ref _linesOutsideRanges, await LoadLinesOutsideRangesAsync(stoppingToken));
                if (_refresh <= TimeSpan.Zero)
                    return;
                await Task.Delay(_refresh, stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                if (await outage.PauseAsync("Reading the lines outside Numbers:Ranges", e, stoppingToken))
                    continue;
                // Typically the schema is not there yet on a fresh start: try again shortly.
                logger.LogWarning(e, "Reading the lines outside Numbers:Ranges failed; retrying");
                await Task.Delay(TimeSpan.FromSeconds(2), stoppingToken);
            }
        }
    }

    private async Task<HashSet<long>> LoadLinesOutsideRangesAsync(CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        // The prefixes are digits only (ParseRanges), so they are safe in the statement.
        var outside = string.Join(" AND ", _ranges.Select(r => $"\"Msisdn\" NOT LIKE '+{r.Prefix.ToString(CultureInfo.InvariantCulture)}%'"));
        var sql = "SELECT \"Msisdn\" AS \"Value\" FROM lines" + (outside.Length > 0 ? " WHERE " + outside : "");
        var numbers = await db.Database.SqlQueryRaw<string>(sql).ToListAsync(ct);
        var set = new HashSet<long>();
        foreach (var number in numbers)
        {
            if (Domain.Numbers.DisconnectionIndex.TryParseMsisdn(number, out var value))
                set.Add(value);
        }
        return set;
    }

    public static (long Prefix, int Digits)[] ParseRanges(string text) =>
        [.. text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(range =>
        {
            var digits = range.StartsWith('+') ? range[1..] : range;
            if (digits.Length is 0 or > 15 || !digits.All(char.IsAsciiDigit) || digits[0] == '0')
                throw new InvalidOperationException($"Numbers:Ranges holds E.164 prefixes such as +86138, not '{range}'.");
            return (long.Parse(digits, CultureInfo.InvariantCulture), digits.Length);
        })];

    private static readonly long[] Pow10 = [.. Enumerable.Range(0, 19).Select(i => (long)Math.Pow(10, i))];

    private static int Digits(long value)
    {
        var digits = 1;
        while (value >= 10)
        {
            value /= 10;
            digits++;
        }
        return digits;
    }
}
