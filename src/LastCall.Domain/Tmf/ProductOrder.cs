using LastCall.Domain.Cancellations;
using LastCall.Domain.Common;

namespace LastCall.Domain.Tmf;

/// <summary>
/// A TM Forum TMF622 v5 <c>ProductOrder</c> a BSS placed to terminate one product (one line): one order item with
/// action <c>delete</c>. It is the BSS's view of the cancellation it became, and shares that request's id; its
/// <c>state</c> follows the request (<see cref="StateOf"/>), so the order keeps only what the BSS sent with it.
/// </summary>
public sealed class ProductOrder
{
    public const int MaxItemIdLength = 64;
    public const int MaxDescriptionLength = 500;
    public const int MaxExternalIdsLength = 2000;

    private ProductOrder()
    {
        ItemId = null!;
        ExternalIds = null!;
    }

    /// <summary>The id of the cancellation request the order became.</summary>
    public Guid Id { get; private set; }

    /// <summary>The BSS client that placed it; only it sees the order.</summary>
    public Guid PartnerId { get; private set; }

    /// <summary>The product (line) being terminated.</summary>
    public Guid LineId { get; private set; }

    /// <summary>The order item's id as the BSS gave it (<c>productOrderItem[0].id</c>).</summary>
    public string ItemId { get; private set; }

    public string? Description { get; private set; }

    /// <summary>The order's <c>externalId</c> list as the BSS sent it (JSON array of ExternalIdentifier), <c>[]</c> when none.</summary>
    public string ExternalIds { get; private set; }

    public DateTimeOffset CreatedAt { get; private set; }

    /// <summary>What is wrong with the order's own fields (the item id defaults to <c>1</c>), or null; checked before anything is filed.</summary>
    public static DomainError? Validate(string? itemId, string? description, string externalIdsJson)
    {
        var item = ItemIdOf(itemId);
        if (item.Length > MaxItemIdLength || item.Any(char.IsControl))
            return Fail.Validation("invalid_item_id", $"An order item id has 1 to {MaxItemIdLength} printable characters.");
        if (DescriptionOf(description) is { Length: > MaxDescriptionLength })
            return Fail.Validation("invalid_description", $"A description has at most {MaxDescriptionLength} characters.");
        if (externalIdsJson.Length > MaxExternalIdsLength)
            return Fail.Validation("invalid_external_id", $"The externalId list takes at most {MaxExternalIdsLength} characters of JSON.");
        return null;
    }

    public static Result<ProductOrder> Place(Guid cancellationId, Guid partnerId, Guid lineId, string? itemId, string? description, string externalIdsJson, DateTimeOffset now)
    {
        if (Validate(itemId, description, externalIdsJson) is { } error)
            return error;
        return new ProductOrder
        {
            Id = cancellationId,
            PartnerId = partnerId,
            LineId = lineId,
            ItemId = ItemIdOf(itemId),
            Description = DescriptionOf(description),
            ExternalIds = externalIdsJson,
            CreatedAt = now,
        };
    }

    private static string ItemIdOf(string? itemId) => string.IsNullOrWhiteSpace(itemId) ? "1" : itemId.Trim();

    private static string? DescriptionOf(string? description) => string.IsNullOrWhiteSpace(description) ? null : description.Trim();

    /// <summary>
    /// TMF622 <c>ProductOrderStateType</c> (also the item's state) for the request's status: waiting for review is
    /// <c>acknowledged</c>; approved, scheduled or executing (paused for a dependency too) is <c>inProgress</c>;
    /// then <c>completed</c>, <c>failed</c> (a supervisor may retry it: back to <c>inProgress</c>), <c>rejected</c> by a
    /// reviewer, or <c>cancelled</c> when withdrawn.
    /// </summary>
    public static string StateOf(CancellationStatus status) => status switch
    {
        CancellationStatus.Submitted or CancellationStatus.UnderReview => "acknowledged",
        CancellationStatus.Approved or CancellationStatus.Scheduled or CancellationStatus.Executing or CancellationStatus.WaitingForDependency => "inProgress",
        CancellationStatus.Completed => "completed",
        CancellationStatus.Failed => "failed",
        CancellationStatus.Rejected => "rejected",
        CancellationStatus.Withdrawn => "cancelled",
        _ => throw new ArgumentOutOfRangeException(nameof(status), status, "Unknown cancellation status."),
    };
}
