using System.Buffers.Binary;
using System.IO.Hashing;
using LastCall.Domain.Numbers;

namespace LastCall.Features.Lookup;

/// <summary>
/// Where a register index stands in the register it was loaded from: what a follower needs to go on with no gap and no
/// entry applied twice, and what tells whether the register is still the one the index was read from (decision 0018).
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

/// <summary>A register entry the snapshot covers, kept to check that the register still holds it.</summary>
public readonly record struct RegisterSample(long Id, long Msisdn, DateOnly Day, long Transaction);

/// <summary>The part of a snapshot file before its payload.</summary>
/// <param name="Samples">Entries drawn uniformly from those the index covers (<see cref="RegisterSampler"/>).</param>
public sealed record RegisterSnapshotHeader(DatabaseIdentity Database, RegisterPosition Position, IReadOnlyList<RegisterSample> Samples, long IndexCount, long IndexLastSequence, DateTimeOffset WrittenAt, long PayloadLength)
{
    public int Length => RegisterSnapshot.FixedHeaderLength + (RegisterSnapshot.SampleLength * Samples.Count);
}

/// <summary>
/// Keeps a uniform random sample of up to <see cref="Size"/> of the register entries offered to it, one at a time (reservoir
/// sampling, Algorithm R): the i-th entry replaces a random kept one with probability size/i. Cheap per entry (one
/// multiply of a xorshift number), and it goes on from a sample read back from a snapshot.
/// </summary>
public sealed class RegisterSampler(int size)
{
    private readonly List<RegisterSample> _kept = new(Math.Min(size, 4096));
    private ulong _state = (ulong)Random.Shared.NextInt64(1, long.MaxValue);

    public int Size { get; } = size;

    /// <summary>Offers the <paramref name="ordinal"/>-th entry (1-based, counting every entry offered before).</summary>
    public void Offer(long ordinal, RegisterSample entry)
    {
        if (_kept.Count < Size)
        {
            _kept.Add(entry);
            return;
        }
        if (Size == 0)
            return;
        _state ^= _state << 13;
        _state ^= _state >> 7;
        _state ^= _state << 17;
        var at = Math.BigMul(_state, (ulong)ordinal, out _);
        if (at < (ulong)Size)
            _kept[(int)at] = entry;
    }

    /// <summary>Starts again from a sample (of entries offered up to now).</summary>
    public void Reset(IEnumerable<RegisterSample> sample)
    {
        _kept.Clear();
        _kept.AddRange(sample.Take(Size));
    }

    public RegisterSample[] ToArray() => [.. _kept];
}

/// <summary>
/// The register index snapshot file (decision 0018): a header (128 bytes: magic, format version, the database's identity,
/// the register position the index covers, the index's counts, the payload's length; then 32 bytes for each sampled
/// entry), the index's arrays as raw spans
/// (<see cref="IndexImage"/>), and an XxHash128 of everything before it. Written to a temporary file next to the real
/// one, flushed to disk, then renamed over it, so a crash leaves the previous snapshot or none, never half of one.
/// </summary>
public static class RegisterSnapshot
{
    /// <summary>2: buckets bit-packed in blocks (decision 0027); a file of another version is refused and rebuilt.</summary>
    public const int FormatVersion = 2;

    /// <summary>The header without its samples; each sample adds <see cref="SampleLength"/> bytes.</summary>
    public const int FixedHeaderLength = 128;
    public const int SampleLength = 32;
    public const int MaxSamples = 4096;
    public const int ChecksumLength = 16;
    private static readonly byte[] Magic = "LCREGIDX"u8.ToArray();
    private const int BufferSize = 1 << 20;

    /// <summary>
    /// Opens a snapshot and reads its header: the magic, the version, the samples, and that the file's length matches.
    /// The payload is read by <see cref="Reader.ReadIndex"/> from the same open file.
    /// </summary>
    /// <exception cref="InvalidDataException">Not a snapshot this version reads, or cut short.</exception>
    public static Reader Open(string path)
    {
        var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, BufferSize, FileOptions.SequentialScan);
        try
        {
            return new Reader(file);
        }
        catch
        {
            file.Dispose();
            throw;
        }
    }

    /// <summary>An open snapshot whose header has been read and checked.</summary>
    public sealed class Reader : IDisposable
    {
        private readonly FileStream _file;
        private readonly HashingStream _hashing;

        internal Reader(FileStream file)
        {
            _file = file;
            _hashing = new HashingStream(file);
            if (file.Length < FixedHeaderLength + ChecksumLength)
                throw new InvalidDataException($"The file is {file.Length} bytes, shorter than a snapshot's header.");
            var bytes = new byte[FixedHeaderLength];
            _hashing.ReadExactly(bytes);
            var samples = new byte[SampleLength * SampleCount(bytes)];
            _hashing.ReadExactly(samples);
            Header = Decode(bytes, samples);
            if (file.Length != Header.Length + Header.PayloadLength + ChecksumLength)
                throw new InvalidDataException($"The file is {file.Length} bytes; its header says {Header.Length + Header.PayloadLength + ChecksumLength}.");
        }

        public RegisterSnapshotHeader Header { get; }

        /// <summary>Reads the index, checking the checksum over the whole file.</summary>
        /// <exception cref="InvalidDataException">The checksum does not match, or the payload is not an index.</exception>
        public DisconnectionIndex ReadIndex()
        {
            var index = DisconnectionIndex.Read(_hashing, Header.PayloadLength, Header.IndexCount, Header.IndexLastSequence);
            Span<byte> stored = stackalloc byte[ChecksumLength];
            _file.ReadExactly(stored);
            Span<byte> computed = stackalloc byte[ChecksumLength];
            _hashing.Hash.GetCurrentHash(computed);
            if (!stored.SequenceEqual(computed))
                throw new InvalidDataException("The snapshot's checksum does not match its contents.");
            return index;
        }

        public void Dispose() => _file.Dispose();
    }

    /// <summary>
    /// Writes <paramref name="image"/> under <paramref name="path"/>: to a temporary file, flushed to disk, then renamed
    /// over the old snapshot. Returns false without writing when another process holds the snapshot's lock file.
    /// </summary>
    public static bool Write(string path, DatabaseIdentity database, RegisterPosition position, IReadOnlyList<RegisterSample> samples, IndexImage image, DateTimeOffset now)
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
                    var header = new RegisterSnapshotHeader(database, position, [.. samples.Take(MaxSamples)], image.Count, image.LastSequence, now, image.PayloadLength);
                    hashing.Write(Encode(header));
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

    private static byte[] Encode(RegisterSnapshotHeader header)
    {
        var bytes = new byte[header.Length];
        Magic.CopyTo(bytes, 0);
        var span = bytes.AsSpan();
        BinaryPrimitives.WriteInt32LittleEndian(span[8..], FormatVersion);
        BinaryPrimitives.WriteInt32LittleEndian(span[12..], header.Length);
        header.Database.Id.TryWriteBytes(span[16..32]);
        BinaryPrimitives.WriteInt64LittleEndian(span[32..], header.Database.Oid);
        span[40] = header.Database.IsPostgres ? (byte)2 : (byte)1;
        BinaryPrimitives.WriteInt32LittleEndian(span[44..], header.Samples.Count);
        var p = header.Position;
        BinaryPrimitives.WriteInt64LittleEndian(span[48..], p.FollowedUpTo);
        BinaryPrimitives.WriteInt64LittleEndian(span[56..], p.EntriesCovered);
        WriteSample(span[64..], new RegisterSample(p.NewestId, p.NewestMsisdn, p.NewestDay, p.NewestTransaction));
        BinaryPrimitives.WriteInt64LittleEndian(span[96..], header.IndexCount);
        BinaryPrimitives.WriteInt64LittleEndian(span[104..], header.IndexLastSequence);
        BinaryPrimitives.WriteInt64LittleEndian(span[112..], header.WrittenAt.ToUnixTimeMilliseconds());
        BinaryPrimitives.WriteInt64LittleEndian(span[120..], header.PayloadLength);
        for (var i = 0; i < header.Samples.Count; i++)
            WriteSample(span[(FixedHeaderLength + (i * SampleLength))..], header.Samples[i]);
        return bytes;
    }

    private static void WriteSample(Span<byte> bytes, RegisterSample sample)
    {
        BinaryPrimitives.WriteInt64LittleEndian(bytes, sample.Id);
        BinaryPrimitives.WriteInt64LittleEndian(bytes[8..], sample.Msisdn);
        BinaryPrimitives.WriteInt32LittleEndian(bytes[16..], sample.Day.DayNumber);
        BinaryPrimitives.WriteInt64LittleEndian(bytes[24..], sample.Transaction);
    }

    private static RegisterSample ReadSample(ReadOnlySpan<byte> bytes)
    {
        var day = BinaryPrimitives.ReadInt32LittleEndian(bytes[16..]);
        if (day < DateOnly.MinValue.DayNumber || day > DateOnly.MaxValue.DayNumber)
            throw new InvalidDataException("The snapshot's header is damaged.");
        return new RegisterSample(BinaryPrimitives.ReadInt64LittleEndian(bytes), BinaryPrimitives.ReadInt64LittleEndian(bytes[8..]),
            DateOnly.FromDayNumber(day), BinaryPrimitives.ReadInt64LittleEndian(bytes[24..]));
    }

    /// <summary>The number of samples the fixed part of a header announces, once its magic, version and length check out.</summary>
    private static int SampleCount(ReadOnlySpan<byte> bytes)
    {
        if (!bytes[..8].SequenceEqual(Magic))
            throw new InvalidDataException("The file is not a register index snapshot.");
        var version = BinaryPrimitives.ReadInt32LittleEndian(bytes[8..]);
        if (version != FormatVersion)
            throw new InvalidDataException($"The snapshot's format version is {version}; this version reads {FormatVersion}.");
        var sampleCount = BinaryPrimitives.ReadInt32LittleEndian(bytes[44..]);
        var length = BinaryPrimitives.ReadInt32LittleEndian(bytes[12..]);
        if (sampleCount < 0 || sampleCount > MaxSamples || length != FixedHeaderLength + (SampleLength * sampleCount))
            throw new InvalidDataException("The snapshot's header is damaged.");
        return sampleCount;
    }

    /// <summary>The header from its fixed part and its samples' bytes.</summary>
    private static RegisterSnapshotHeader Decode(ReadOnlySpan<byte> bytes, ReadOnlySpan<byte> sampleBytes)
    {
        var samples = new RegisterSample[SampleCount(bytes)];
        for (var i = 0; i < samples.Length; i++)
            samples[i] = ReadSample(sampleBytes[(i * SampleLength)..]);
        var database = new DatabaseIdentity(new Guid(bytes[16..32]), BinaryPrimitives.ReadInt64LittleEndian(bytes[32..]), bytes[40] == 2);
        var newest = ReadSample(bytes[64..]);
        var position = new RegisterPosition(BinaryPrimitives.ReadInt64LittleEndian(bytes[48..]), BinaryPrimitives.ReadInt64LittleEndian(bytes[56..]),
            newest.Id, newest.Msisdn, newest.Day, newest.Transaction);
        var written = BinaryPrimitives.ReadInt64LittleEndian(bytes[112..]);
        var payload = BinaryPrimitives.ReadInt64LittleEndian(bytes[120..]);
        if (payload < 0 || written < 0 || written > DateTimeOffset.MaxValue.ToUnixTimeMilliseconds())
            throw new InvalidDataException("The snapshot's header is damaged.");
        return new RegisterSnapshotHeader(database, position, samples, BinaryPrimitives.ReadInt64LittleEndian(bytes[96..]),
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
