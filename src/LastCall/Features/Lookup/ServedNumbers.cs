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
/// A number we ported out is not ours (<see cref="IsPortedOut"/>): every instance reads the newly ported-out numbers every
/// <c>Register:PollMilliseconds</c> and all of them again with the lines, so a port-back-in is seen at that refresh.
/// </summary>
public sealed class ServedNumbers(IDbContextFactory<AppDbContext> contexts, ServedNumberSettings settings, RegisterSettings registerSettings, RegisterIndexService register,
    Execution.ExecutionSettings execution, Hosting.DatabaseOutage outage, TimeProvider clock, ILogger<ServedNumbers> logger) : BackgroundService
{
    public const string DefaultRanges = "+86138,+86139";

    private readonly (long Prefix, int Digits)[] _ranges = ParseRanges(settings.Ranges);
    private readonly TimeSpan _refresh = settings.LinesRefresh;
    private HashSet<long> _linesOutsideRanges = [];
    private HashSet<long> _portedOut = [];

    /// <summary>
    /// A port-out is stamped when its hand-over step begins and commits with a later save of its batch: at the latest
    /// when the batch renews its lease, which it holds for <see cref="Execution.ExecutionSettings.Lease"/>, or after one
    /// more slow step. Rows changed this long before the last read are read again, so none is missed until the next
    /// full refresh.
    /// </summary>
    private readonly TimeSpan _commitLag = execution.Lease + TimeSpan.FromMinutes(1);

    /// <summary>The configured prefixes, as E.164 text.</summary>
    public IReadOnlyList<string> Ranges => [.. _ranges.Select(r => "+" + r.Prefix.ToString(CultureInfo.InvariantCulture))];

    /// <summary>Whether <paramref name="msisdn"/> (E.164 digits as a number, see <see cref="Domain.Numbers.DisconnectionIndex.TryParseMsisdn(ReadOnlySpan{char}, out long)"/>) is ours.</summary>
    public bool IsServed(long msisdn) =>
        InRanges(msisdn) || Volatile.Read(ref _linesOutsideRanges).Contains(msisdn) || register.Index?.LatestDisconnection(msisdn) is not null;

    /// <summary>
    /// The lookup's answer (API.md, number lifecycle), or null for a number that is not ours. A number we ported out is
    /// <c>no_data</c> — we are no longer authoritative for it — unless it was disconnected with us on or after the day asked.
    /// </summary>
    public Domain.Numbers.LookupResult? Answer(Domain.Numbers.DisconnectionIndex index, long msisdn, DateOnly since, DateOnly registerStartsOn) =>
        Answer(msisdn, index.Lookup(msisdn, since, registerStartsOn), Volatile.Read(ref _portedOut));

    /// <summary>
    /// <see cref="Answer(Domain.Numbers.DisconnectionIndex, long, DateOnly, DateOnly)"/> for many numbers at once, with the
    /// register index's batched lookup, into <paramref name="answers"/>.
    /// </summary>
    public void Answer(Domain.Numbers.DisconnectionIndex index, ReadOnlySpan<long> msisdns, ReadOnlySpan<DateOnly> sinces, DateOnly registerStartsOn,
        Span<Domain.Numbers.LookupResult?> answers)
    {
        const int Chunk = 256;
        Span<Domain.Numbers.LookupResult> found = stackalloc Domain.Numbers.LookupResult[Chunk];
        var portedOut = Volatile.Read(ref _portedOut);
        for (var start = 0; start < msisdns.Length; start += Chunk)
        {
            var n = Math.Min(Chunk, msisdns.Length - start);
            index.Lookup(msisdns.Slice(start, n), sinces.Slice(start, n), registerStartsOn, found);
            for (var i = 0; i < n; i++)
                answers[start + i] = Answer(msisdns[start + i], found[i], portedOut);
        }
    }

    /// <summary>The answer for a number the register index answered <paramref name="found"/> for.</summary>
    private Domain.Numbers.LookupResult? Answer(long msisdn, Domain.Numbers.LookupResult found, HashSet<long> portedOut)
    {
        // The hot path of every lookup and CSV row: with no number ported out, the set is not even asked.
        if (portedOut.Count != 0 && portedOut.Contains(msisdn))
            return found == Domain.Numbers.LookupResult.Yes ? Domain.Numbers.LookupResult.Yes : Domain.Numbers.LookupResult.NoData;
        return IsServed(msisdn) ? found : null;
    }

    /// <summary>Whether we ported <paramref name="msisdn"/> out: it belongs to another operator, and we are not authoritative for it.</summary>
    public bool IsPortedOut(long msisdn) => Volatile.Read(ref _portedOut).Contains(msisdn);

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
                var readAt = clock.GetUtcNow();
                Volatile.Write(ref _linesOutsideRanges, await LoadLinesOutsideRangesAsync(stoppingToken));
                Volatile.Write(ref _portedOut, await LoadPortedOutAsync(null, stoppingToken));
                await FollowPortOutsAsync(readAt, clock.GetUtcNow() + _refresh, stoppingToken);
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

    /// <summary>Adds the numbers ported out since <paramref name="readAt"/> (less the commit lag), every poll, until <paramref name="until"/>.</summary>
    private async Task FollowPortOutsAsync(DateTimeOffset readAt, DateTimeOffset until, CancellationToken ct)
    {
        while (clock.GetUtcNow() < until)
        {
            await Task.Delay(registerSettings.PollInterval, clock, ct);
            var now = clock.GetUtcNow();
            var added = await LoadPortedOutAsync(readAt - _commitLag, ct);
            readAt = now;
            var known = Volatile.Read(ref _portedOut);
            if (added.IsSubsetOf(known))
                continue;
            // Copy on write: lookups read the set without a lock.
            Volatile.Write(ref _portedOut, [.. known, .. added]);
        }
    }

    private async Task<HashSet<long>> LoadPortedOutAsync(DateTimeOffset? changedSince, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var query = db.PoolNumbers.AsNoTracking().Where(n => n.State == Domain.Numbers.NumberState.PortedOut);
        if (changedSince is { } since)
            query = query.Where(n => n.StateChangedAt >= since);
        var set = new HashSet<long>();
        foreach (var number in await query.Select(n => n.Msisdn).ToListAsync(ct))
        {
            if (Domain.Numbers.DisconnectionIndex.TryParseMsisdn(number.Value, out var value))
                set.Add(value);
        }
        return set;
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
