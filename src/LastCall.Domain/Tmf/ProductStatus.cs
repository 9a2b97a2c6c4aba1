using LastCall.Domain.Lines;

namespace LastCall.Domain.Tmf;

/// <summary>
/// A line seen as a TM Forum TMF637 v5 <c>Product</c>: its <c>ProductStatusType</c> (API.md, TM Forum views). A barred
/// line is <c>suspended</c> (its service is, for arrears); a line with a live cancellation or port-out is <c>pendingTerminate</c>; a
/// cancelled or ported-out one <c>terminated</c>. The other values of the enumeration (<c>created</c>, <c>pendingActive</c>,
/// <c>cancelled</c>, <c>aborted</c>) describe products being ordered, which LastCall never holds.
/// </summary>
public static class ProductStatus
{
    public const string Active = "active";
    public const string Suspended = "suspended";
    public const string PendingTerminate = "pendingTerminate";
    public const string Terminated = "terminated";

    /// <summary>Every value of TMF637 v5 <c>ProductStatusType</c>, the ones LastCall never gives included.</summary>
    public static readonly IReadOnlyList<string> All = ["created", "pendingActive", "cancelled", Active, PendingTerminate, Suspended, "aborted", Terminated];

    public static string Of(LineStatus status) => status switch
    {
        LineStatus.Active => Active,
        LineStatus.Suspended or LineStatus.Barred => Suspended,
        LineStatus.PendingCancellation => PendingTerminate,
        LineStatus.Cancelled or LineStatus.PortedOut => Terminated,
        _ => throw new ArgumentOutOfRangeException(nameof(status), status, "Unknown line status."),
    };

    /// <summary>The line statuses a product status stands for (none for the values LastCall never gives); null for a word that is no status.</summary>
    public static IReadOnlyList<LineStatus>? LineStatusesFor(string status) =>
        All.Contains(status) ? [.. Enum.GetValues<LineStatus>().Where(s => Of(s) == status)] : null;
}
