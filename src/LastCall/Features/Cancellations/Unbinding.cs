using System.Globalization;
using LastCall.Data;
using LastCall.Domain.Partners;
using Microsoft.EntityFrameworkCore;

namespace LastCall.Features.Cancellations;

/// <summary>
/// What the unbinding of a cancelled number looks like to its owner and staff (<see cref="GetUnbinding"/>,
/// <see cref="MarkUnbindingItem"/>): which partners were asked to unbind the number and which have acknowledged,
/// beside the customer's own checklist (payment apps, messengers, banks …).
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

    /// <summary>The view in the current UI culture (the checklist's default labels).</summary>
    public static async Task<View> ViewAsync(AppDbContext db, Guid id, CancellationToken ct)
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
