using LastCall.Data;
using LastCall.Domain.Common;
using LastCall.Domain.Partners;
using Microsoft.EntityFrameworkCore;

namespace LastCall.Features.Execution;

/// <summary>
/// What the steps of a batch ask the database about their requests, read once for the whole batch instead of once per
/// request (decision 0020): the certificates already issued for the batch's requests, and the partners bound to its
/// numbers. A binding a partner adds while the batch runs is seen by the next event on that number, as it would be if
/// it had come a moment after the step's own read; the number is in the register from the disconnection's commit on.
/// </summary>
public sealed class BatchLoads
{
    private readonly Dictionary<Guid, string> _certificates;
    private readonly ILookup<Msisdn, (Guid PartnerId, BindingSource Source)> _bindings;

    private BatchLoads(Dictionary<Guid, string> certificates, ILookup<Msisdn, (Guid, BindingSource)> bindings) =>
        (_certificates, _bindings) = (certificates, bindings);

    public static async Task<BatchLoads> LoadAsync(AppDbContext db, IReadOnlyCollection<Guid> requestIds, IReadOnlyCollection<Msisdn> msisdns, CancellationToken ct)
    {
        var certificates = await db.Certificates.AsNoTracking().Where(c => requestIds.Contains(c.RequestId))
            .ToDictionaryAsync(c => c.RequestId, c => c.Number, ct);
        var bindings = await db.Bindings.AsNoTracking().Where(b => msisdns.Contains(b.Msisdn))
            .Select(b => new { b.Msisdn, b.PartnerId, b.Source }).ToListAsync(ct);
        return new BatchLoads(certificates, bindings.ToLookup(b => b.Msisdn, b => (b.PartnerId, b.Source)));
    }

    /// <summary>The number of the certificate already issued for the request (a run saved before its worker died), or null.</summary>
    public string? CertificateIssuedFor(Guid requestId) => _certificates.GetValueOrDefault(requestId);

    /// <summary>Every partner holding a binding on the number, each once, in id order.</summary>
    public IReadOnlyList<Guid> PartnersBoundTo(Msisdn msisdn) => [.. _bindings[msisdn].Select(b => b.PartnerId).Distinct().Order()];

    /// <summary>The partners watching the number (a watch-list binding), each once, in id order.</summary>
    public IReadOnlyList<Guid> PartnersWatching(Msisdn msisdn) =>
        [.. _bindings[msisdn].Where(b => b.Source == BindingSource.Watchlist).Select(b => b.PartnerId).Distinct().Order()];
}
