using System.Buffers.Binary;
using System.IO.Hashing;
using LastCall.Domain.Numbers;

namespace LastCall.Features.Lookup;

/// <summary>
/// Where a register index stands in the register it was loaded from: what a follower needs to go on with no gap and no
/// entry applied twice, and what tells whether the register is still the one the index was read from (decision 0016).
/// </summary>
/// <param name="FollowedUpTo">PostgreSQL: the transaction horizon every entry below which is in the index (decision 0011); SQLite: the highest entry id in it.</param>
/// <param name="EntriesCovered">Rows of the register at or below that place: written below the horizon (PostgreSQL), or with an id up to it (SQLite).</param>
/// <param name="NewestId">The highest entry id in the index (0 for an empty register).</param>
/// <param name="NewestMsisdn">That entry's number (E.164 digits).</param>
/// <param name="NewestDay">That entry's day.</param>
/// <param name="NewestTransaction">That entry's writing transaction (PostgreSQL; 0 on SQLite).</param>
public readonly record struct RegisterPosition(long FollowedUpTo, long EntriesCovered, long NewestId, long NewestMsisdn, DateOnly NewestDay, long NewestTransaction);

/// <summary>
/// Which database a snapshot belongs to: the random id the first instance stored in <c>database_identity</c>, and on
/// PostgreSQL the database's own object id, which differs for a database created as a copy of another.
/// </summary>
public readonly record struct DatabaseIdentity(Guid Id, long Oid, bool IsPostgres);

/// <summary>The fixed-size part of a snapshot file before its payload.</summary>
public sealed record RegisterSnapshotHeader(DatabaseIdentity Database, RegisterPosition Position, long IndexCount, long IndexLastSequence, DateTimeOffset WrittenAt, long PayloadLength);

/// <summary>
/// The register index snapshot file (decision 0016): a 128-byte header (magic, format version, the database's identity,
/// the register position the index covers, the index's counts, the payload's length), the index's arrays as raw spans
/// (<see cref="IndexImage"/>), and an XxHash128 of everything before it. Written to a temporary file next to the real
/// one, flushed to disk, then renamed over it, so a crash leaves the previous snapshot or none, never half of one.
/// </summary>
public static class RegisterSnapshot
{
    public const int FormatVersion = 1;
    public const int HeaderLength = 128;
    public const int ChecksumLength = 16;
    private static readonly byte[] Magic = "LCREGIDX"u8.ToArray();
    private const int BufferSize = 1 << 20;

    /// <summary>Reads and checks the header alone: the magic, the version and that the file's length matches it.</summary>
    /// <exception cref="InvalidDataException">Not a snapshot this version reads, or cut short.</exception>
    public static RegisterSnapshotHeader ReadHeader(string path)
    {
        using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.None);
        Span<byte> bytes = stackalloc byte[HeaderLength];
        if (file.Length < HeaderLength + ChecksumLength)
            throw new InvalidDataException($"The file is {file.Length} bytes, shorter than a snapshot's header.");
        file.ReadExactly(bytes);
        var header = Decode(bytes);
        if (file.Length != HeaderLength + header.PayloadLength + ChecksumLength)
            throw new InvalidDataException($"The file is {file.Length} bytes; its header says {HeaderLength + header.PayloadLength + ChecksumLength}.");
        return header;
    }

    /// <summary>Reads the index, checking the checksum over the whole file as it goes.</summary>
    /// <exception cref="InvalidDataException">The checksum does not match, or the payload is not an index.</exception>
    public static DisconnectionIndex ReadIndex(string path, RegisterSnapshotHeader expected)
    {
        using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, BufferSize, FileOptions.SequentialScan);
        var hashing = new HashingStream(file);
        Span<byte> header = stackalloc byte[HeaderLength];
        hashing.ReadExactly(header);
        if (Decode(header) != expected)
            throw new InvalidDataException("The snapshot was replaced while it was read.");
        var index = DisconnectionIndex.Read(hashing, expected.PayloadLength, expected.IndexCount, expected.IndexLastSequence);
        Span<byte> stored = stackalloc byte[ChecksumLength];
        file.ReadExactly(stored);
        Span<byte> computed = stackalloc byte[ChecksumLength];
        hashing.Hash.GetCurrentHash(computed);
        if (!stored.SequenceEqual(computed))
            throw new InvalidDataException("The snapshot's checksum does not match its contents.");
        return index;
    }

    /// <summary>
    /// Writes <paramref name="image"/> under <paramref name="path"/>: to a temporary file, flushed to disk, then renamed
    /// over the old snapshot. Returns false without writing when another process holds the snapshot's lock file.
    /// </summary>
    public static bool Write(string path, DatabaseIdentity database, RegisterPosition position, IndexImage image, DateTimeOffset now)
    {
        var folder = Path.GetDirectoryName(Path.GetFullPath(path))!;
        Directory.CreateDirectory(folder);
        FileStream? lockFile;
        try
        {
            // One writer per file: a second instance configured with the same path skips its write.
            lockFile = new FileStream(path + ".lock", FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, 1, FileOptions.None);
        }
        catch (IOException)
        {
            return false;
        }
        using (lockFile)
        {
            // Whatever a crashed writer left behind; only the lock's holder writes temporary files.
            foreach (var stale in Directory.EnumerateFiles(folder, Path.GetFileName(path) + ".*.tmp"))
                File.Delete(stale);
            var temporary = $"{path}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp";
            try
            {
                using (var file = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None, BufferSize, FileOptions.None))
                {
                    var hashing = new HashingStream(file);
                    var header = new RegisterSnapshotHeader(database, position, image.Count, image.LastSequence, now, image.PayloadLength);
                    Span<byte> bytes = stackalloc byte[HeaderLength];
                    Encode(header, bytes);
                    hashing.Write(bytes);
                    image.WriteTo(hashing);
                    Span<byte> checksum = stackalloc byte[ChecksumLength];
                    hashing.Hash.GetCurrentHash(checksum);
                    file.Write(checksum);
                    file.Flush(flushToDisk: true);
                }
                File.Move(temporary, path, overwrite: true);
            }
            catch
            {
                File.Delete(temporary);
                throw;
            }
            return true;
        }
    }

    private static void Encode(RegisterSnapshotHeader header, Span<byte> bytes)
    {
        bytes.Clear();
        Magic.CopyTo(bytes);
        BinaryPrimitives.WriteInt32LittleEndian(bytes[8..], FormatVersion);
        BinaryPrimitives.WriteInt32LittleEndian(bytes[12..], HeaderLength);
        header.Database.Id.TryWriteBytes(bytes[16..32]);
        BinaryPrimitives.WriteInt64LittleEndian(bytes[32..], header.Database.Oid);
        bytes[40] = header.Database.IsPostgres ? (byte)2 : (byte)1;
        var p = header.Position;
        BinaryPrimitives.WriteInt64LittleEndian(bytes[48..], p.FollowedUpTo);
        BinaryPrimitives.WriteInt64LittleEndian(bytes[56..], p.EntriesCovered);
        BinaryPrimitives.WriteInt64LittleEndian(bytes[64..], p.NewestId);
        BinaryPrimitives.WriteInt64LittleEndian(bytes[72..], p.NewestMsisdn);
        BinaryPrimitives.WriteInt32LittleEndian(bytes[80..], p.NewestDay.DayNumber);
        BinaryPrimitives.WriteInt64LittleEndian(bytes[88..], p.NewestTransaction);
        BinaryPrimitives.WriteInt64LittleEndian(bytes[96..], header.IndexCount);
        BinaryPrimitives.WriteInt64LittleEndian(bytes[104..], header.IndexLastSequence);
        BinaryPrimitives.WriteInt64LittleEndian(bytes[112..], header.WrittenAt.ToUnixTimeMilliseconds());
        BinaryPrimitives.WriteInt64LittleEndian(bytes[120..], header.PayloadLength);
    }

    private static RegisterSnapshotHeader Decode(ReadOnlySpan<byte> bytes)
    {
        if (!bytes[..8].SequenceEqual(Magic))
            throw new InvalidDataException("The file is not a register index snapshot.");
        var version = BinaryPrimitives.ReadInt32LittleEndian(bytes[8..]);
        var length = BinaryPrimitives.ReadInt32LittleEndian(bytes[12..]);
        if (version != FormatVersion || length != HeaderLength)
            throw new InvalidDataException($"The snapshot's format version is {version}; this version reads {FormatVersion}.");
        var database = new DatabaseIdentity(new Guid(bytes[16..32]), BinaryPrimitives.ReadInt64LittleEndian(bytes[32..]), bytes[40] == 2);
        var day = BinaryPrimitives.ReadInt32LittleEndian(bytes[80..]);
        if (day < DateOnly.MinValue.DayNumber || day > DateOnly.MaxValue.DayNumber)
            throw new InvalidDataException("The snapshot's header is damaged.");
        var position = new RegisterPosition(
            BinaryPrimitives.ReadInt64LittleEndian(bytes[48..]), BinaryPrimitives.ReadInt64LittleEndian(bytes[56..]),
            BinaryPrimitives.ReadInt64LittleEndian(bytes[64..]), BinaryPrimitives.ReadInt64LittleEndian(bytes[72..]),
            DateOnly.FromDayNumber(day), BinaryPrimitives.ReadInt64LittleEndian(bytes[88..]));
        var written = BinaryPrimitives.ReadInt64LittleEndian(bytes[112..]);
        var payload = BinaryPrimitives.ReadInt64LittleEndian(bytes[120..]);
        if (payload < 0 || written < 0 || written > DateTimeOffset.MaxValue.ToUnixTimeMilliseconds())
            throw new InvalidDataException("The snapshot's header is damaged.");
        return new RegisterSnapshotHeader(database, position, BinaryPrimitives.ReadInt64LittleEndian(bytes[96..]),
            BinaryPrimitives.ReadInt64LittleEndian(bytes[104..]), DateTimeOffset.FromUnixTimeMilliseconds(written), payload);
    }

    /// <summary>Passes reads or writes through to a stream and hashes the bytes on the way.</summary>
    private sealed class HashingStream(Stream inner) : Stream
    {
        public XxHash128 Hash { get; } = new();

        public override bool CanRead => inner.CanRead;

        public override bool CanSeek => false;

        public override bool CanWrite => inner.CanWrite;

        public override long Length => throw new NotSupportedException();

        public override long Position
        {
            get => throw new NotSupportedException();
            set => throw new NotSupportedException();
        }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            var read = inner.Read(buffer);
            Hash.Append(buffer[..read]);
            return read;
        }

        public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            Hash.Append(buffer);
            inner.Write(buffer);
        }

        public override void Flush() => inner.Flush();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();
    }
}

/// <summary>Where a starting instance read its register index from.</summary>
public enum RegisterIndexSource
{
    /// <summary>The whole register, from the database.</summary>
    Database,

    /// <summary>The snapshot file, then the entries written since, from the database.</summary>
    Snapshot,
}
