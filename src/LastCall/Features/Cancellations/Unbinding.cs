using System.Globalization;
using LastCall.Auditing;
using LastCall.Data;
using LastCall.Domain.Common;
using LastCall.Domain.Partners;
using LastCall.Security;
using LastCall.Web;
using LastCall.Web.OpenApi;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace LastCall.Features.Cancellations;

/// <summary>
/// GET /api/v1/cancellations/{id}/unbinding (owner, staff): which partners were asked to unbind the
/// number and which have acknowledged, beside the customer's own checklist (payment apps, messengers,
/// banks …) — <c>{partners:[{partner, requestedAt, acknowledgedAt?}], checklist:[{item, label, done, doneAt?}]}</c>.
/// PUT /api/v1/cancellations/{id}/unbinding/checklist/{item} <c>{done, label?}</c> (the owner only)
/// ticks an item off or on; <c>other</c> takes the customer's own label.
/// </summary>
public static class Unbinding
{
    public sealed record PartnerStatus(string Partner, DateTimeOffset RequestedAt, DateTimeOffset? AcknowledgedAt);

    public sealed record ChecklistEntry(string Item, string Label, bool Done, DateTimeOffset? DoneAt);

    public sealed record View(IReadOnlyList<PartnerStatus> Partners, IReadOnlyList<ChecklistEntry> Checklist);

    public sealed record Mark(bool? Done, string? Label);

    private static readonly Dictionary<string, (string Zh, string En)> Labels = new()
    {
        ["alipay"] = ("支付宝", "Alipay"),
        ["wechat_pay"] = ("微信支付", "WeChat Pay"),
        ["wechat"] = ("微信", "WeChat"),
        ["qq"] = ("QQ", "QQ"),
        ["bank_card"] = ("银行卡", "Bank cards"),
        ["icloud_apple_id"] = ("iCloud / Apple ID", "iCloud / Apple ID"),
        ["email_accounts"] = ("电子邮箱账户", "E-mail accounts"),
        [UnbindingChecklistItem.Other] = ("其他", "Other"),
    };

    public static void Map(RouteGroupBuilder cancellations)
    {
        cancellations.MapGet("/{id:guid}/unbinding", GetAsync)
            .RequireAuthorization(Policies.CustomerOrStaff)
            .Fails(ErrorKind.Validation, ErrorKind.NotFound, ErrorKind.Forbidden, ErrorKind.Conflict)
            .WithSummary("Who has unbound the number (partners' acknowledgements) and the customer's own checklist.");
        cancellations.MapPut("/{id:guid}/unbinding/checklist/{item}", MarkAsync)
            .RequireAuthorization(Policies.Customer)
            .Fails(ErrorKind.Validation, ErrorKind.NotFound, ErrorKind.Forbidden, ErrorKind.Conflict)
            .WithSummary("Tick a checklist item off (or on again): alipay, wechat_pay, wechat, qq, bank_card, icloud_apple_id, email_accounts, other.");
    }

    internal static async Task<Outcome<Ok<View>>> GetAsync(Guid id, CancellationAccess access, Data.AppDbContext db, HttpContext http, CancellationToken ct)
    {
        var (_, denied) = await access.FindAsync(http.User, id, ct);
        if (denied is not null)
            return denied;
        return TypedResults.Ok(await ViewAsync(db, id, ct));
    }

    internal static async Task<Outcome<Ok<View>>> MarkAsync(
        Guid id, string item, Mark body, CancellationAccess access, AuditTrail audit, AppDbContext db, TimeProvider clock, HttpContext http, CancellationToken ct)
    {
        var (request, denied) = await access.FindAsync(http.User, id, ct);
        if (denied is not null)
            return denied;
        if (body.Done is not { } done)
            return Fail.Validation("done", "validation_failed", "Give done: true or false.");
        var entry = await db.UnbindingChecklistItems.FirstOrDefaultAsync(c => c.CancellationId == id && c.Item == item, ct);
        var isNew = entry is null;
        if (entry is null)
        {
            var created = UnbindingChecklistItem.Create(id, item);
            if (!created.IsSuccess)
                return Fail.NotFound(created.Error!.Code, created.Error.Message);
            entry = created.Value;
        }
        var before = new { done = entry.Done };
        if (entry.Mark(done, body.Label, clock.GetUtcNow()) is { IsSuccess: false } refused)
            return Fail.Validation("label", refused.Error!.Code, refused.Error.Message);
        if (isNew)
            db.UnbindingChecklistItems.Add(entry);
        audit.Record("cancellation.unbinding_checklist", request!.Msisdn.Masked(), before: before, after: new { request.Id, item, done });
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException)
        {
            return Fail.Conflict("conflict", "The item was changed at the same moment; reload and try again.");
        }
        return TypedResults.Ok(await ViewAsync(db, id, ct));
    }

    private static async Task<View> ViewAsync(Data.AppDbContext db, Guid id, CancellationToken ct)
    {
        var partners = await db.UnbindingRequests.AsNoTracking().Where(r => r.CancellationId == id)
            .Join(db.Partners, r => r.PartnerId, p => p.Id, (r, p) => new { p.Name, r.RequestedAt, r.AcknowledgedAt })
            .ToListAsync(ct);
        var ticked = (await db.UnbindingChecklistItems.AsNoTracking().Where(c => c.CancellationId == id).ToListAsync(ct)).ToDictionary(c => c.Item);
        var english = CultureInfo.CurrentUICulture.Name.StartsWith("en", StringComparison.OrdinalIgnoreCase);
        var checklist = UnbindingChecklistItem.Catalogue.Select(item =>
        {
            ticked.TryGetValue(item, out var row);
            var label = row?.Label ?? (english ? Labels[item].En : Labels[item].Zh);
            return new ChecklistEntry(item, label, row?.Done ?? false, row?.DoneAt);
        }).ToList();
        return new View([.. partners.OrderBy(p => p.RequestedAt).ThenBy(p => p.Name, StringComparer.Ordinal).Select(p => new PartnerStatus(p.Name, p.RequestedAt, p.AcknowledgedAt))], checklist);
    }
}
