using LastCall.Domain.Common;
using LastCall.Domain.Customers;

namespace LastCall.Features.Imports;

/// <summary>
/// What a batch of the subscriber import reads and may write, by the keys its set queries look up: the rows' numbers
/// (lines, pool numbers, register entries, and through the lines their billing accounts), the customers' blind indexes
/// (under the current key, which every record of one person shares) and the ICCIDs (the rows' own, and those of the
/// existing lines the batch loaded, whose profiles it may remove). Two batches with no key in common touch no row in
/// common, so the next batch may be loaded and applied while the previous one is still being written (decision 0019).
/// </summary>
internal sealed class BatchKeys
{
    private readonly HashSet<Msisdn> _msisdns;
    private readonly HashSet<string> _blindIndexes;
    private readonly HashSet<Iccid> _iccids;

    /// <summary>The ICCIDs found on the existing lines the batch read: apart from the records' own keys, which never change.</summary>
    private readonly HashSet<Iccid> _foundIccids = [];

    private BatchKeys(HashSet<Msisdn> msisdns, HashSet<string> blindIndexes, HashSet<Iccid> iccids)
    {
        _msisdns = msisdns;
        _blindIndexes = blindIndexes;
        _iccids = iccids;
    }

    /// <summary>The keys of the records themselves (known before anything is loaded).</summary>
    public static BatchKeys Of(IReadOnlyList<SubscriberRecord> records, IReadOnlyDictionary<int, ProtectedIdNumber> identities)
    {
        var msisdns = new HashSet<Msisdn>(records.Count);
        var blindIndexes = new HashSet<string>(records.Count, StringComparer.Ordinal);
        var iccids = new HashSet<Iccid>(records.Count * 2);
        foreach (var record in records)
        {
            msisdns.Add(record.Line.Msisdn);
            blindIndexes.Add(identities[record.Row].BlindIndex);
            foreach (var profile in record.Profiles)
                iccids.Add(profile.Iccid);
        }
        return new BatchKeys(msisdns, blindIndexes, iccids);
    }

    /// <summary>Adds ICCIDs the batch may change without a record naming them (profiles of the existing lines it loaded).</summary>
    public void AddIccids(IEnumerable<Iccid> iccids) => _foundIccids.UnionWith(iccids);

    /// <summary>Whether the two batches share any key, the ICCIDs found on their lines included (call once both are read).</summary>
    public bool Overlaps(BatchKeys other) =>
        RecordsOverlap(other) || _foundIccids.Overlaps(other._iccids) || _iccids.Overlaps(other._foundIccids) || _foundIccids.Overlaps(other._foundIccids);

    /// <summary>Whether the records of the two batches share a key; safe while either batch is still being read.</summary>
    public bool RecordsOverlap(BatchKeys other) =>
        _msisdns.Overlaps(other._msisdns) || _blindIndexes.Overlaps(other._blindIndexes) || _iccids.Overlaps(other._iccids);
}
