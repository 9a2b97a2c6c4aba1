using System.Security.Cryptography;
using LastCall.Auditing;
using LastCall.Data;
using Microsoft.EntityFrameworkCore;

namespace LastCall.Security;

/// <summary>How many rows of one table are sealed under the current master key and how many under another.</summary>
public sealed record KeyUsage(string Table, int UnderCurrentKey, int UnderOtherKeys);

/// <summary>One committed batch of a rotation: rows sealed again, and rows skipped because they changed meanwhile.</summary>
public sealed record RotationBatch(string Table, int Rekeyed, int Skipped);

/// <summary>
/// Re-keys everything sealed under a previous master key (<c>lastcall keys rotate</c>): customers' ID numbers with
/// their blind index, and partners' webhook secrets. The rotation runs online: each batch is a keyset page of rows
/// not yet under the current key, sealed again and written in its own transaction with one audit entry, each row
/// only if its stored value is still the one that was read (a concurrent edit wins and is never overwritten). Rows
/// already under the current key are never read again, so an interrupted rotation is simply run again. At the end
/// the audit chain is checked and anchored (<see cref="AuditChainVerifier"/>), so that it stays verifiable once
/// the previous key is removed.
/// </summary>
public sealed class MasterKeyRotation(IServiceScopeFactory scopes, KeyRing keys, IdNumberProtector idNumbers, WebhookSecrets webhookSecrets, AuditChainVerifier verifier, AuditChainSealer sealer)
{
    public const string CustomersTable = "customers";
    public const string WebhookEndpointsTable = "webhook_endpoints";
    public const string RekeyedAction = "security.records_rekeyed";

    public async Task<IReadOnlyList<KeyUsage>> StatusAsync(CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        var prefix = SealedText.PrefixFor(keys.CurrentKeyId);
        var customers = await db.Customers.CountAsync(ct);
        var customersCurrent = await db.Customers.CountAsync(c => c.IdNumberCiphertext.StartsWith(prefix), ct);
        var endpoints = await db.WebhookEndpoints.CountAsync(ct);
        var endpointsCurrent = await db.WebhookEndpoints.CountAsync(e => e.ProtectedSecret.StartsWith(prefix), ct);
        return [new(CustomersTable, customersCurrent, customers - customersCurrent), new(WebhookEndpointsTable, endpointsCurrent, endpoints - endpointsCurrent)];
    }

    /// <summary>Re-keys every table, then checks and anchors the audit chain; the result is that check (not anchored when broken).</summary>
    public async Task<AuditVerification> RotateAsync(int batchSize, Action<RotationBatch> progress, CancellationToken ct)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        await RotateCustomersAsync(batchSize, progress, ct);
        await RotateWebhookSecretsAsync(batchSize, progress, ct);
        return await AnchorAuditChainAsync(ct);
    }

    private async Task RotateCustomersAsync(int batchSize, Action<RotationBatch> progress, CancellationToken ct)
    {
        var prefix = SealedText.PrefixFor(keys.CurrentKeyId);
        Guid? after = null;
        while (true)
        {
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
            var audit = scope.ServiceProvider.GetRequiredService<AuditTrail>();
            var rows = await db.Customers.AsNoTracking()
                .Where(c => (after == null || c.Id > after) && !c.IdNumberCiphertext.StartsWith(prefix))
                .OrderBy(c => c.Id).Take(batchSize)
                .Select(c => new { c.Id, c.IdType, c.IdNumberCiphertext })
                .ToListAsync(ct);
            if (rows.Count == 0)
                return;
            await using var transaction = await db.Database.BeginTransactionAsync(ct);
            var rekeyed = 0;
            foreach (var row in rows)
            {
                var (ciphertext, blindIndex) = Opened(CustomersTable, row.Id, () => idNumbers.Reseal(row.IdType, row.IdNumberCiphertext));
                rekeyed += await db.Customers
                    .Where(c => c.Id == row.Id && c.IdNumberCiphertext == row.IdNumberCiphertext)
                    // The version moves too: a writer that read the customer before (the import's bulk update sets every
                    // column as read) must fail its version check, not put the old key's ciphertext back.
                    .ExecuteUpdateAsync(u => u.SetProperty(c => c.IdNumberCiphertext, ciphertext).SetProperty(c => c.IdNumberBlindIndex, blindIndex)
                        .SetProperty(c => c.Version, c => c.Version + 1), ct);
            }
            await CommitAsync(db, audit, CustomersTable, rekeyed, rows.Count, rows[0].Id, rows[^1].Id, ct);
            await transaction.CommitAsync(ct);
            after = rows[^1].Id;
            progress(new RotationBatch(CustomersTable, rekeyed, rows.Count - rekeyed));
        }
    }

    private async Task RotateWebhookSecretsAsync(int batchSize, Action<RotationBatch> progress, CancellationToken ct)
    {
        var prefix = SealedText.PrefixFor(keys.CurrentKeyId);
        Guid? after = null;
        while (true)
        {
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
            var audit = scope.ServiceProvider.GetRequiredService<AuditTrail>();
            var rows = await db.WebhookEndpoints.AsNoTracking()
                .Where(e => (after == null || e.PartnerId > after) && !e.ProtectedSecret.StartsWith(prefix))
                .OrderBy(e => e.PartnerId).Take(batchSize)
                .Select(e => new { e.PartnerId, e.ProtectedSecret })
                .ToListAsync(ct);
            if (rows.Count == 0)
                return;
            await using var transaction = await db.Database.BeginTransactionAsync(ct);
            var rekeyed = 0;
            foreach (var row in rows)
            {
                var secret = Opened(WebhookEndpointsTable, row.PartnerId, () => webhookSecrets.Reseal(row.PartnerId, row.ProtectedSecret));
                rekeyed += await db.WebhookEndpoints
                    .Where(e => e.PartnerId == row.PartnerId && e.ProtectedSecret == row.ProtectedSecret)
                    .ExecuteUpdateAsync(u => u.SetProperty(e => e.ProtectedSecret, secret), ct);
            }
            await CommitAsync(db, audit, WebhookEndpointsTable, rekeyed, rows.Count, rows[0].PartnerId, rows[^1].PartnerId, ct);
            await transaction.CommitAsync(ct);
            after = rows[^1].PartnerId;
            progress(new RotationBatch(WebhookEndpointsTable, rekeyed, rows.Count - rekeyed));
        }
    }

    // The batch's audit entry joins the batch's transaction (AuditTrail uses the open one), so both commit or neither.
    private async Task CommitAsync(AppDbContext db, AuditTrail audit, string table, int rekeyed, int read, Guid firstId, Guid lastId, CancellationToken ct)
    {
        audit.Record(RekeyedAction, table, after: new { table, keyId = keys.CurrentKeyId, rows = rekeyed, skipped = read - rekeyed, firstId, lastId });
        await db.SaveChangesAsync(ct);
    }

    // A row no configured key opens stops the rotation with its table and id (never its content): the operator must configure that key.
    private static T Opened<T>(string table, Guid id, Func<T> reseal)
    {
        try
        {
            return reseal();
        }
        catch (CryptographicException ex)
        {
            throw new InvalidOperationException($"{table} row {id}: {ex.Message}", ex);
        }
    }

    private async Task<AuditVerification> AnchorAuditChainAsync(CancellationToken ct)
    {
        // The anchor covers the whole chain: what waits to be sealed (the re-key batches' entries among it) first.
        await sealer.SealPendingAsync(ct);
        var verification = await verifier.VerifyAsync(ct);
        if (!verification.Intact)
            return verification;
        await using var scope = scopes.CreateAsyncScope();
        var audit = scope.ServiceProvider.GetRequiredService<AuditTrail>();
        audit.Record(AuditChainVerifier.AnchorAction, "audit_events",
            after: AuditChainVerifier.AnchorContent(new AuditAnchor(verification.EntriesChecked, verification.Digest), keys.CurrentKeyId));
        await scope.ServiceProvider.GetRequiredService<AppDbContext>().SaveChangesAsync(ct);
        await sealer.SealPendingAsync(ct);
        return verification;
    }
}
