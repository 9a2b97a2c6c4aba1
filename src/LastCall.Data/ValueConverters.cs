using LastCall.Domain.Common;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace LastCall.Data;

// Value objects are stored as their canonical strings and re-validated when read back.

internal sealed class MsisdnConverter() : ValueConverter<Msisdn, string>(v => v.Value, v => Msisdn.Parse(v));

internal sealed class IccidConverter() : ValueConverter<Iccid, string>(v => v.Value, v => Iccid.Parse(v));

internal sealed class EidConverter() : ValueConverter<Eid, string>(v => v.Value, v => Eid.Parse(v));

/// <summary>
/// SQLite has no instant type and EF cannot compare DateTimeOffset text there, so instants are
/// stored as UTC ticks (exact round trip, correctly ordered). PostgreSQL keeps timestamptz.
/// </summary>
internal sealed class UtcTicksConverter() : ValueConverter<DateTimeOffset, long>(v => v.UtcTicks, v => new DateTimeOffset(v, TimeSpan.Zero));

/// <summary>
/// A short list of codes stored as one comma-separated column, as it always was (no migration): the domain sees a
/// list, only this converter knows the separator. Codes never contain a comma.
/// </summary>
internal sealed class CommaSeparatedCodesConverter() : ValueConverter<IReadOnlyList<string>, string>(
    v => string.Join(',', v), v => v.Split(',', StringSplitOptions.RemoveEmptyEntries));

/// <summary>A short list of ids stored as one comma-separated column, as <see cref="CommaSeparatedCodesConverter"/>.</summary>
internal sealed class CommaSeparatedGuidsConverter() : ValueConverter<IReadOnlyList<Guid>, string>(
    v => string.Join(',', v), v => v.Split(',', StringSplitOptions.RemoveEmptyEntries).Select(id => Guid.Parse(id)).ToArray());

/// <summary>Lists compared by their items, so a changed list is saved and an equal one is not.</summary>
internal sealed class ListComparer<T>() : ValueComparer<IReadOnlyList<T>>(
    (a, b) => a!.SequenceEqual(b!), v => v.Aggregate(0, (hash, item) => HashCode.Combine(hash, item)), v => v.ToArray());
