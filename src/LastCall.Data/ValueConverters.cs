using LastCall.Domain.Common;
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
