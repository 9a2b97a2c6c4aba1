using LastCall.Domain.Common;

namespace LastCall.Domain.Partners;

/// <summary>
/// The customer's own list of places their number was used for logins and codes (payment apps,
/// messengers, banks), ticked off by the customer after a cancellation. The catalogue is fixed;
/// <c>other</c> carries a free label.
/// </summary>
public sealed class UnbindingChecklistItem
{
    public const string Other = "other";
    public const int MaxLabelLength = 80;

    /// <summary>The catalogue, in the order the customer sees it.</summary>
    public static readonly IReadOnlyList<string> Catalogue =
        ["alipay", "wechat_pay", "wechat", "qq", "bank_card", "icloud_apple_id", "email_accounts", Other];

    private UnbindingChecklistItem() => Item = null!;

    public Guid CancellationId { get; private set; }

    public string Item { get; private set; }

    /// <summary>The customer's own words for an <c>other</c> item.</summary>
    public string? Label { get; private set; }

    public bool Done { get; private set; }

    public DateTimeOffset? DoneAt { get; private set; }

    public static bool IsKnown(string? item) => item is not null && Catalogue.Contains(item);

    public static Result<UnbindingChecklistItem> Create(Guid cancellationId, string? item)
    {
        if (!IsKnown(item))
            return Result<UnbindingChecklistItem>.Failure("unknown_checklist_item", "The item must be one of " + string.Join(", ", Catalogue) + ".");
        return new UnbindingChecklistItem { CancellationId = cancellationId, Item = item! };
    }

    /// <summary>Ticks or unticks the item; a label is only for <c>other</c>.</summary>
    public Result Mark(bool done, string? label, DateTimeOffset now)
    {
        var trimmed = label?.Trim();
        if (!string.IsNullOrEmpty(trimmed))
        {
            if (Item != Other)
                return Result.Failure("label_not_allowed", "Only the item 'other' takes a label.");
            if (trimmed.Length > MaxLabelLength || trimmed.Any(char.IsControl))
                return Result.Failure("invalid_label", $"A label has 1 to {MaxLabelLength} characters.");
            Label = trimmed;
        }
        if (Done != done)
            DoneAt = done ? now : null;
        Done = done;
        return Result.Success;
    }
}
