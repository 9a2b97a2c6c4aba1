using System.Collections.Concurrent;
using LastCall.Data;
using LastCall.Domain.Billing;
using LastCall.Domain.Common;
using LastCall.Domain.Customers;
using LastCall.Domain.Lines;
using LastCall.Domain.Numbers;
using LastCall.Security;
using Microsoft.EntityFrameworkCore;

namespace LastCall.Features.Imports;

/// <summary>
/// Applies subscriber records to one DbContext. Everything a batch touches is loaded up front with a
/// handful of set queries, then each record is checked (no change made if it is refused) and applied
/// through the aggregates' own methods. The new aggregates are only collected in <see cref="New"/>, not attached.
/// Loaded <see cref="Saving.Bulk"/> (a batch on PostgreSQL), the existing rows are read untracked with their values as
/// read (<see cref="ReadRows{TEntity}"/>), and <see cref="WriteInBulkAsync"/> writes only what the records changed
/// (decisions 0015, 0031); loaded <see cref="Saving.Tracked"/> (SQLite, the row-by-row retry), the context tracks them
/// and <see cref="PrepareTrackedSave"/> adds the new ones for a normal save. Either way a line the records change nothing
/// on keeps its row as it was: the run remembers it in <c>import_run_lines</c> instead of marking it (decision 0032).
/// </summary>
internal sealed class SubscriberBatchWriter
{
    private readonly AppDbContext _db;
    private readonly ImportRun _run;
    private readonly IReadOnlyDictionary<int, ProtectedIdNumber> _identities;
    private readonly IReadOnlyDictionary<int, string> _passwordHashes;
    private readonly Dictionary<string, Customer> _customersByBlindIndex;
    private readonly Dictionary<Msisdn, Line> _liveLines;
    private readonly ILookup<Msisdn, Line> _cancelledLines;
    private readonly Dictionary<Guid, BillingAccount> _accountsByLine;
    private readonly Dictionary<Msisdn, PoolNumber> _poolNumbers;
    private readonly Dictionary<Iccid, Guid> _iccidOwners;
    private readonly HashSet<(Msisdn, DateOnly)> _registerEntries;
    private readonly HashSet<Guid> _linesSeenByRun;
    private readonly List<Line> _loadedLines;
    private readonly Read? _read;

    /// <summary>How the batch will be saved, which decides how its rows are read.</summary>
    public enum Saving
    {
        /// <summary>Rows read tracked by the context, saved by its SaveChanges.</summary>
        Tracked,

        /// <summary>Rows read untracked, written by <see cref="WriteInBulkAsync"/> (PostgreSQL).</summary>
        Bulk,
    }

    /// <summary>The rows a bulk batch read, with their values as read.</summary>
    private sealed record Read(ReadRows<Customer> Customers, ReadRows<Line> Lines, ReadRows<EsimProfile> Profiles, ReadRows<BillingAccount> Accounts, ReadRows<PoolNumber> PoolNumbers);

    /// <summary>The aggregates the applied records created, in the order they are inserted (parents first).</summary>
    public NewRows New { get; } = new();

    /// <summary>How many existing lines the batch read (its records' numbers that already have a line).</summary>
    public int LoadedLineCount => _loadedLines.Count;

    /// <summary>The ICCIDs of the existing lines' profiles as loaded (a record may remove them from their line).</summary>
    public IReadOnlyList<Iccid> LoadedIccids { get; }

    private SubscriberBatchWriter(AppDbContext db, ImportRun run, IReadOnlyDictionary<int, ProtectedIdNumber> identities, IReadOnlyDictionary<int, string> passwordHashes,
        Dictionary<string, Customer> customersByBlindIndex, List<Line> lines, List<BillingAccount> accounts, List<PoolNumber> poolNumbers, List<(Iccid, Guid)> iccidOwners, List<(Msisdn, DateOnly)> registerEntries,
        List<Guid> linesSeenByRun, Read? read)
    {
        _db = db;
        _read = read;
        _run = run;
        _identities = identities;
        _passwordHashes = passwordHashes;
        _customersByBlindIndex = customersByBlindIndex;
        _liveLines = lines.Where(l => !l.HasEnded).ToDictionary(l => l.Msisdn);
        _cancelledLines = lines.Where(l => l.Status == LineStatus.Cancelled).ToLookup(l => l.Msisdn);
        _accountsByLine = accounts.ToDictionary(a => a.LineId);
        _poolNumbers = poolNumbers.ToDictionary(n => n.Msisdn);
        _iccidOwners = iccidOwners.ToDictionary(o => o.Item1, o => o.Item2);
        _registerEntries = [.. registerEntries];
        _linesSeenByRun = [.. linesSeenByRun];
        _loadedLines = lines;
        LoadedIccids = [.. lines.SelectMany(l => l.Profiles).Select(p => p.Iccid)];
    }

    public static async Task<SubscriberBatchWriter> LoadAsync(AppDbContext db, ImportRun run, IReadOnlyList<SubscriberRecord> records,
        IReadOnlyDictionary<int, ProtectedIdNumber> identities, IdNumberProtector protector, ConcurrentDictionary<int, string> passwordHashCache, Saving saving, CancellationToken ct)
    {
        IQueryable<T> Rows<T>(DbSet<T> set) where T : class => saving == Saving.Bulk ? set.AsNoTracking() : set;
        var msisdns = records.Select(r => r.Line.Msisdn).Distinct().ToList();
        // While a master key rotation runs a customer may still be indexed under a previous key: look under every
        // configured key's index, and file what is found under the current key's, which the records carry.
        var currentIndexOf = new Dictionary<string, string>();
        foreach (var record in records)
        {
            foreach (var index in protector.BlindIndexes(record.Id))
                currentIndexOf.TryAdd(index, identities[record.Row].BlindIndex);
        }
        var blindIndexes = currentIndexOf.Keys.ToList();
        var iccids = records.SelectMany(r => r.Profiles).Select(p => p.Iccid).Distinct().ToList();

        var lines = await Rows(db.Lines).Where(l => msisdns.Contains(l.Msisdn)).ToListAsync(ct);
        var lineIds = lines.Select(l => l.Id).ToList();
        // Existing lines an earlier batch of this run applied a row to without writing them (see WriteInBulkAsync).
        var seenByRun = lineIds.Count == 0 ? []
            : await db.ImportRunLines.Where(m => m.RunId == run.Id && lineIds.Contains(m.LineId)).Select(m => m.LineId).ToListAsync(ct);
        var loadedCustomers = await Rows(db.Customers).Where(c => blindIndexes.Contains(c.IdNumberBlindIndex)).ToListAsync(ct);
        var customers = new Dictionary<string, Customer>();
        foreach (var customer in loadedCustomers)
            customers.TryAdd(currentIndexOf[customer.IdNumberBlindIndex], customer);
        var accounts = await Rows(db.BillingAccounts).Where(a => lineIds.Contains(a.LineId)).ToListAsync(ct);
        var pool = await Rows(db.PoolNumbers).Where(n => msisdns.Contains(n.Msisdn)).ToListAsync(ct);
        // The owners of the records' ICCIDs: the profiles of the lines just read give most of them on a re-import, so only the
        // others are looked up (all of them on a first import).
        var owners = lines.SelectMany(l => l.Profiles).Select(p => (p.Iccid, p.LineId)).ToList();
        var ownerKnown = owners.Select(o => o.Iccid).ToHashSet();
        var iccidsElsewhere = iccids.Where(i => !ownerKnown.Contains(i)).ToList();
        if (iccidsElsewhere.Count > 0)
            owners.AddRange((await db.EsimProfiles.Where(p => iccidsElsewhere.Contains(p.Iccid)).Select(p => new { p.Iccid, p.LineId }).ToListAsync(ct))
                .Select(o => (o.Iccid, o.LineId)));
        var register = (await db.Disconnections.Where(d => msisdns.Contains(d.Msisdn)).Select(d => new { d.Msisdn, d.DisconnectedOn }).ToListAsync(ct))
            .Select(d => (d.Msisdn, d.DisconnectedOn)).ToList();

        // Hashing is the slow part (~0.1 s a password by design): spread it over the cores, once per row.
        var live = lines.Where(l => !l.HasEnded).ToDictionary(l => l.Msisdn);
        Parallel.ForEach(records.Where(r => !passwordHashCache.ContainsKey(r.Row)), new ParallelOptions { CancellationToken = ct }, record =>
        {
            string hash;
            if (record.ServicePasswordHash is not null)
                hash = record.ServicePasswordHash;
            else if (live.TryGetValue(record.Line.Msisdn, out var existing) && SecretHasher.Verify(record.ServicePassword!, existing.ServicePasswordHash))
                hash = existing.ServicePasswordHash;
            else
                hash = SecretHasher.Hash(record.ServicePassword!);
            passwordHashCache[record.Row] = hash;
        });

        Read? read = null;
        if (saving == Saving.Bulk)
        {
            read = new Read(new(db), new(db), new(db), new(db), new(db));
            loadedCustomers.ForEach(read.Customers.Add);
            lines.ForEach(read.Lines.Add);
            foreach (var profile in lines.SelectMany(l => l.Profiles))
                read.Profiles.Add(profile);
            accounts.ForEach(read.Accounts.Add);
            pool.ForEach(read.PoolNumbers.Add);
        }
        return new SubscriberBatchWriter(db, run, identities, passwordHashCache, customers, lines, accounts, pool, owners, register, seenByRun, read);
    }

    /// <summary>Applies one record. A refusal before any change leaves the context as it was.</summary>
    public (RowRejection? Rejection, bool ChangedEntities) Apply(SubscriberRecord record)
    {
        var now = _run.Clock.GetUtcNow();
        var msisdn = record.Line.Msisdn;
        var identity = _identities[record.Row];
        _liveLines.TryGetValue(msisdn, out var line);

        // Checks first: nothing is touched if the row is refused here.
        if (line is not null && (line.ImportRunId == _run.Id || _linesSeenByRun.Contains(line.Id)))
            return Refuse(record, "duplicate_msisdn", $"{msisdn} already appeared earlier in this file.");
        if (line is not null && line.Status == LineStatus.PendingCancellation)
            return Refuse(record, "cancellation_pending", "A cancellation is in progress on this line; LastCall owns its status until it ends.");
        var alreadyRecordedCancellation = line is null && record.Status == ImportedStatus.Cancelled
            && _cancelledLines[msisdn].Any(l => DateOnly.FromDateTime(l.StatusChangedAt.UtcDateTime) == record.StatusSince);
        if (alreadyRecordedCancellation)
            return (null, false);
        _poolNumbers.TryGetValue(msisdn, out var poolNumber);
        if (line is null && poolNumber is { State: NumberState.Quarantined })
            return Refuse(record, "number_quarantined", $"{msisdn} is in quarantine until {poolNumber.QuarantinedUntil:yyyy-MM-dd} and cannot be assigned yet.");
        if (line is null && poolNumber is { State: NumberState.PortedOut } && record.Status == ImportedStatus.Cancelled)
            return Refuse(record, "number_ported_out", $"{msisdn} was ported out to another operator; only a live line can bring it back (ported in again).");
        foreach (var profile in record.Profiles)
        {
            if (_iccidOwners.TryGetValue(profile.Iccid, out var owner) && owner != line?.Id)
                return Refuse(record, "iccid_in_use", $"ICCID {profile.Iccid} belongs to another line (ICCIDs are never reused).");
        }
        if (line is not null && !CanMove(line.Status, record.Status))
            return Refuse(record, "invalid_status_change", $"A {line.Status} line cannot become {record.Status} by import.");

        // From here on entities change; a failure makes the caller redo the batch row by row.
        var customer = UpsertCustomer(record, identity, now);
        if (!customer.IsSuccess)
            return Refuse(record, customer.Error!, changed: true);

        var isNew = line is null;
        if (line is null)
        {
            var created = Line.Create(record.Line, customer.Value.Id, _passwordHashes[record.Row], now);
            if (!created.IsSuccess)
                return Refuse(record, created.Error!, changed: true);
            line = created.Value;
            New.Lines.Add(line);
            _liveLines[msisdn] = line;
        }
        else
        {
            if (line.UpdateDetails(record.Line, customer.Value.Id, now) is { IsSuccess: false } updated)
                return Refuse(record, updated.Error!, changed: true);
            if (line.ServicePasswordHash != _passwordHashes[record.Row])
            {
                // A new password ends every session signed in with the old one.
                line.ResetServicePassword(_passwordHashes[record.Row], now);
                customer.Value.RotateSecurityStamp();
            }
        }
        line.MarkImported(_run.Id);

        if (line.SetProfiles(record.Profiles) is { IsSuccess: false } profilesSet)
            return Refuse(record, profilesSet.Error!, changed: true);
        foreach (var profile in record.Profiles)
            _iccidOwners[profile.Iccid] = line.Id;

        if (UpsertBillingAccount(line, record, isNew) is { IsSuccess: false } billed)
            return Refuse(record, billed.Error!, changed: true);

        if (MoveToStatus(line, record, now) is { IsSuccess: false } moved)
            return Refuse(record, moved.Error!, changed: true);

        if (UpdateNumberPool(msisdn, poolNumber, record, now) is { IsSuccess: false } pooled)
            return Refuse(record, pooled.Error!, changed: true);
        return (null, true);
    }

    private Result<Customer> UpsertCustomer(SubscriberRecord record, ProtectedIdNumber identity, DateTimeOffset now)
    {
        if (_customersByBlindIndex.TryGetValue(identity.BlindIndex, out var customer))
        {
            if (customer.Name != record.Name && customer.Rename(record.Name) is { IsSuccess: false } renamed)
                return renamed.Error!;
            return customer;
        }
        var registered = Customer.Register(record.Name, record.Id.Type, identity, record.Language, record.Email, now);
        if (!registered.IsSuccess)
            return registered;
        New.Customers.Add(registered.Value);
        _customersByBlindIndex[identity.BlindIndex] = registered.Value;
        return registered;
    }

    private Result UpsertBillingAccount(Line line, SubscriberRecord record, bool isNew)
    {
        if (!isNew && _accountsByLine.TryGetValue(line.Id, out var account))
            return account.SetBalances(record.Balance, record.Arrears);
        var opened = BillingAccount.Open(line.Id, _run.Settings.Currency, record.Balance, record.Arrears);
        if (!opened.IsSuccess)
            return opened.Error!;
        New.BillingAccounts.Add(opened.Value);
        _accountsByLine[line.Id] = opened.Value;
        return Result.Success;
    }

    private static bool CanMove(LineStatus from, ImportedStatus to) =>
        from == LineStatus.Cancelled ? to == ImportedStatus.Cancelled
        : from != LineStatus.Barred || to != ImportedStatus.Cancelled; // a line in arrears is never cancelled

    /// <summary>Walks the line's own status machine to the imported status: back to Active first, then on.</summary>
    private static Result MoveToStatus(Line line, SubscriberRecord record, DateTimeOffset now)
    {
        var at = record.StatusSince is { } since ? new DateTimeOffset(since.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero) : now;
        var target = record.Status switch
        {
            ImportedStatus.Suspended => LineStatus.Suspended,
            ImportedStatus.Barred => LineStatus.Barred,
            ImportedStatus.Cancelled => LineStatus.Cancelled,
            _ => LineStatus.Active,
        };
        if (line.Status == target)
            return Result.Success;
        var back = line.Status switch
        {
            LineStatus.Suspended => line.Resume(at),
            LineStatus.Barred => line.Unbar(at),
            _ => Result.Success,
        };
        if (!back.IsSuccess)
            return back;
        return target switch
        {
            LineStatus.Suspended => line.Suspend(at),
            LineStatus.Barred => line.Bar(at),
            LineStatus.Cancelled => line.BeginCancellation(at) is { IsSuccess: false } begun ? begun : line.CompleteCancellation(at),
            _ => Result.Success,
        };
    }

    /// <summary>Live lines hold their number; a cancelled line's number goes to quarantine and into the register.</summary>
    private Result UpdateNumberPool(Msisdn msisdn, PoolNumber? number, SubscriberRecord record, DateTimeOffset now)
    {
        if (number is null)
        {
            number = PoolNumber.NewlyAssigned(msisdn, now);
            New.PoolNumbers.Add(number);
            _poolNumbers[msisdn] = number;
        }
        else if (number.State == NumberState.Available && number.Assign(now) is { IsSuccess: false } assigned)
        {
            return assigned;
        }
        else if (number.State == NumberState.PortedOut && number.PortBackIn(now) is { IsSuccess: false } portedIn)
        {
            // A number we ported out comes back with a new line: it is ours again.
            return portedIn;
        }

        if (record.NumberCategory is not null && number.SetCategory(record.NumberCategory) is { IsSuccess: false } categorised)
            return categorised;
        if (record.Status != ImportedStatus.Cancelled)
            return Result.Success;

        var disconnectedOn = record.StatusSince!.Value;
        if (number.State == NumberState.Assigned && number.Quarantine(disconnectedOn, _run.Settings.QuarantineFor(number.Category), now) is { IsSuccess: false } quarantined)
            return quarantined;
        var today = DateOnly.FromDateTime(now.UtcDateTime);
        // A quarantine that ended in the earlier system ends here; one whose recycling notices we sent is left to number
        // aging, which waits for the partners' acknowledgements.
        if (number.State == NumberState.Quarantined && number.QuarantinedUntil <= today && number.RecyclingNoticesFor != number.QuarantinedUntil)
            number.EndQuarantine(today, now);
        if (_registerEntries.Add((msisdn, disconnectedOn)))
        {
            var entry = Disconnection.Record(msisdn, disconnectedOn, DisconnectionSource.Import, now);
            if (!entry.IsSuccess)
                return entry.Error!;
            New.RegisterEntries.Add(entry.Value);
        }
        return Result.Success;
    }

    /// <summary>
    /// Readies the context for a normal save (SQLite, the row-by-row retry): the loaded lines the records changed nothing on,
    /// their account, profiles, owner and pool number included, get their mark back and are remembered in
    /// <c>import_run_lines</c>, as the bulk write does, and the new aggregates are added.
    /// </summary>
    public void PrepareTrackedSave()
    {
        var tracker = _db.ChangeTracker;
        tracker.DetectChanges();
        var parts = new ChangedParts();
        foreach (var changed in tracker.Entries().Where(e => e.State is EntityState.Added or EntityState.Modified or EntityState.Deleted))
            parts.Add(changed.Entity);
        foreach (var line in _loadedLines)
        {
            var entry = _db.Entry(line);
            var mark = entry.Property(l => l.ImportRunId);
            if (entry.State != EntityState.Modified || !mark.IsModified || entry.Properties.Any(p => p.IsModified && p.Metadata != mark.Metadata) || parts.Of(line))
                continue;
            mark.CurrentValue = mark.OriginalValue;
            mark.IsModified = false;
            _db.ImportRunLines.Add(new ImportRunLine(_run.Id, line.Id));
        }
        _db.Customers.AddRange(New.Customers);
        _db.Lines.AddRange(New.Lines); // with their eSIM profiles
        _db.BillingAccounts.AddRange(New.BillingAccounts);
        _db.PoolNumbers.AddRange(New.PoolNumbers);
        _db.Disconnections.AddRange(New.RegisterEntries);
    }

    /// <summary>
    /// Writes the batch in the context's transaction (PostgreSQL, loaded <see cref="Saving.Bulk"/>): the new aggregates with
    /// COPY, parents first; the read rows the records changed with one version-checked <c>UPDATE … FROM</c> per table; the
    /// profiles removed from and added to existing lines; for the lines whose own row changed nothing but whose account,
    /// profiles, owner or pool number did, only the run's mark, version-checked, so that the batch fails (and is redone row by
    /// row) when another writer changed the line meanwhile (a cancellation begun, say); and for the lines whose row changed
    /// nothing at all, a row each in <c>import_run_lines</c> instead (a later row of the file with the same number is then a
    /// duplicate; decision 0032), so those lines are not written at all. Lines whose status changed are
    /// handed to the context instead (read again, tracked, and checked against the version the batch read), so that its save,
    /// which the caller makes next with the batch's audit event, publishes their product state events as every save does.
    /// </summary>
    public async Task WriteInBulkAsync(CancellationToken ct)
    {
        var read = _read ?? throw new InvalidOperationException("This batch was loaded for a tracked save.");
        // What changed is worked out before anything is written: a write raises the versions.
        var status = read.Lines.Property(nameof(Line.Status));
        var runMark = read.Lines.Property(nameof(Line.ImportRunId));
        List<Line> moved = [], changedLines = [], onlyMarked = [];
        foreach (var line in read.Lines.Entities)
        {
            if (read.Lines.IsChanged(line, status))
                moved.Add(line);
            else if (read.Lines.IsChangedBesides(line, runMark))
                changedLines.Add(line);
            else if (read.Lines.IsChanged(line, runMark))
                onlyMarked.Add(line);
        }
        var profiles = read.Lines.Entities.SelectMany(l => l.Profiles).ToList();
        var kept = profiles.ToHashSet(ReferenceEqualityComparer.Instance);
        var removedProfiles = read.Profiles.Entities.Where(p => !kept.Contains(p)).ToList();
        var changedProfiles = profiles.Where(p => read.Profiles.Contains(p) && read.Profiles.IsChanged(p)).ToList();
        var profilesAddedToExistingLines = profiles.Where(p => !read.Profiles.Contains(p)).ToList();
        var changedCustomers = Changed(read.Customers);
        var changedAccounts = Changed(read.Accounts);
        var changedPoolNumbers = Changed(read.PoolNumbers);
        // A line whose own row is unchanged but whose parts the records changed is still checked, through its mark.
        var parts = new ChangedParts();
        IEnumerable<object>[] changedPartsOfLines = [changedAccounts, removedProfiles, changedProfiles, profilesAddedToExistingLines, changedCustomers, changedPoolNumbers];
        foreach (var part in changedPartsOfLines.SelectMany(p => p))
            parts.Add(part);
        var onlyTheirPartsChanged = onlyMarked.Where(parts.Of).ToList();
        var leftAlone = onlyMarked.Except(onlyTheirPartsChanged).ToList();
        var removedProfileIds = removedProfiles.ConvertAll(p => p.Id);

        await BulkInsert.CopyAsync(_db, New.Customers, ct);
        await BulkInsert.UpdateAsync(_db, read.Customers, changedCustomers, ct);
        await BulkInsert.CopyAsync(_db, New.Lines, ct);
        await BulkInsert.UpdateAsync(_db, read.Lines, changedLines, ct);
        if (removedProfileIds.Count > 0
            && await _db.EsimProfiles.Where(p => removedProfileIds.Contains(p.Id)).ExecuteDeleteAsync(ct) != removedProfileIds.Count)
            throw new DbUpdateConcurrencyException("An eSIM profile the batch removes was removed by another writer since the batch read it.");
        await BulkInsert.UpdateAsync(_db, read.Profiles, changedProfiles, ct);
        await BulkInsert.CopyAsync<EsimProfile>(_db, [.. profilesAddedToExistingLines, .. New.Lines.SelectMany(l => l.Profiles)], ct);
        await BulkInsert.CopyAsync(_db, New.BillingAccounts, ct);
        await BulkInsert.UpdateAsync(_db, read.Accounts, changedAccounts, ct);
        await BulkInsert.CopyAsync(_db, New.PoolNumbers, ct);
        await BulkInsert.UpdateAsync(_db, read.PoolNumbers, changedPoolNumbers, ct);
        await BulkInsert.CopyAsync(_db, New.RegisterEntries, ct);
        // Lines whose rows changed nothing but the mark: only that column (and the version) is written where their parts
        // changed; the others are remembered beside them and left alone.
        await BulkInsert.SetColumnAsync(_db, read.Lines, onlyTheirPartsChanged, runMark, _run.Id, ct);
        await BulkInsert.CopyAsync(_db, leftAlone.ConvertAll(l => new ImportRunLine(_run.Id, l.Id)), ct);
        await TrackAsync(read.Lines, moved, ct);
    }

    private static List<T> Changed<T>(ReadRows<T> read) where T : class => [.. read.Entities.Where(e => read.IsChanged(e))];

    /// <summary>
    /// The parts of existing lines a batch changed (accounts, profiles, owners, pool numbers): a line whose own row is
    /// unchanged but whose parts are among them keeps the run's version-checked mark instead of being left alone.
    /// </summary>
    private sealed class ChangedParts
    {
        private readonly HashSet<Guid> _lines = [];
        private readonly HashSet<Guid> _owners = [];
        private readonly HashSet<Msisdn> _numbers = [];

        public void Add(object part)
        {
            switch (part)
            {
                case BillingAccount account: _lines.Add(account.LineId); break;
                case EsimProfile profile: _lines.Add(profile.LineId); break;
                case Customer customer: _owners.Add(customer.Id); break;
                case PoolNumber number: _numbers.Add(number.Msisdn); break;
            }
        }

        public bool Of(Line line) => _lines.Contains(line.Id) || _owners.Contains(line.CustomerId) || _numbers.Contains(line.Msisdn);
    }

    /// <summary>Reads the moved lines again, tracked, and gives them the batch's values, for the context's save.</summary>
    private async Task TrackAsync(ReadRows<Line> read, List<Line> moved, CancellationToken ct)
    {
        if (moved.Count == 0)
            return;
        var ids = moved.Select(l => l.Id).ToList();
        var current = await _db.Lines.IgnoreAutoIncludes().Where(l => ids.Contains(l.Id)).ToDictionaryAsync(l => l.Id, ct);
        var version = read.Property(nameof(Line.Version));
        foreach (var line in moved)
        {
            // Changed by another writer since the batch read it: the batch is redone row by row, as a failed UPDATE is.
            if (!current.TryGetValue(line.Id, out var tracked) || !Equals(tracked.Version, read.Original(line, version)))
                throw new DbUpdateConcurrencyException($"The line {line.Id} was changed or deleted by another writer since the batch read it.");
            _db.Entry(tracked).CurrentValues.SetValues(line);
        }
    }

    /// <summary>What a batch creates; never tracked by a context (change tracking cost more than writing the rows).</summary>
    public sealed class NewRows
    {
        public List<Customer> Customers { get; } = [];

        public List<Line> Lines { get; } = [];

        public List<BillingAccount> BillingAccounts { get; } = [];

        public List<PoolNumber> PoolNumbers { get; } = [];

        public List<Disconnection> RegisterEntries { get; } = [];
    }

    private static (RowRejection?, bool) Refuse(SubscriberRecord record, string code, string detail) =>
        (new RowRejection(record.Row, code, detail), false);

    private static (RowRejection?, bool) Refuse(SubscriberRecord record, DomainError error, bool changed) =>
        (new RowRejection(record.Row, error.Code, error.Message), changed);
}
