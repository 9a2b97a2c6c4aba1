using System.Text.Json;
using LastCall.Domain.Cancellations;
using LastCall.Domain.Common;

namespace LastCall.Features.Cancellations;

/// <summary>
/// The JSON shapes of cancellation requests (API.md, Cancellations) and their snake_case names. A port-out is a request of
/// kind <c>port_out</c> (channel <c>porting</c>, with its <c>recipientOperator</c>): staff and the owner see it beside the
/// cancellations, with the same history and steps.
/// </summary>
public static class CancellationViews
{
    public sealed record Transition(string Status, DateTimeOffset At, string By, string? Reason);

    public sealed record Step(string Name, string Status, int Attempts, string? LastError, DateTimeOffset? StartedAt, DateTimeOffset? CompletedAt, JsonElement? Outcome);

    /// <summary>Why a <c>waiting_for_dependency</c> request waits: the system, what it answered, since when, and the next try.</summary>
    public sealed record DependencyWait(string Dependency, string Reason, DateTimeOffset Since, DateTimeOffset? NextAttemptAt);

    public sealed record Detail(
        Guid Id,
        string Msisdn,
        string Status,
        string Channel,
        string Effective,
        DateTimeOffset SubmittedAt,
        string SubmittedBy,
        string? StoreId,
        string IdentityMethod,
        string VerifiedBy,
        IReadOnlyList<Guid> DocumentIds,
        IReadOnlyList<string> ReviewReasons,
        DateOnly? ReviewDueBy,
        bool Overdue,
        DateOnly EffectiveOn,
        string? RejectionReason,
        IReadOnlyList<Transition> History,
        IReadOnlyList<Step> Steps,
        string? CertificateNumber,
        decimal EarlyExitFee,
        DependencyWait? WaitingFor,
        string Kind,
        string? RecipientOperator);

    public sealed record Summary(Guid Id, string Msisdn, string Status, string Channel, DateTimeOffset SubmittedAt, DateOnly? ReviewDueBy, bool Overdue, DateOnly EffectiveOn,
        string Kind);

    public static Detail ToDetail(CancellationRequest r, DateOnly today, IReadOnlyList<ExecutionStep>? steps = null) => new(
        r.Id,
        r.Msisdn.Value,
        CancellationRequest.Describe(r.Status),
        Channel(r.Channel),
        Effective(r.Effective),
        r.SubmittedAt,
        r.SubmittedBy,
        r.StoreId,
        r.IdentityMethod.ToWireName(),
        r.VerifiedBy,
        r.DocumentIds,
        r.ReviewReasons,
        r.ReviewDueBy,
        r.IsOverdue(today),
        r.EffectiveOn,
        r.RejectionReason,
        [.. r.History.OrderBy(h => h.At).ThenBy(h => h.Id).Select(h => new Transition(CancellationRequest.Describe(h.Status), h.At, h.By, h.Reason))],
        [.. (steps ?? []).OrderBy(s => s.Position).Select(ToStep)],
        r.CertificateNumber,
        r.EarlyExitFee,
        WaitingFor(r),
        Kind(r.Kind),
        r.RecipientOperator);

    public static string Kind(RequestKind kind) => kind == RequestKind.PortOut ? "port_out" : "cancellation";

    /// <summary>From the transition into waiting, whose reason is "system: what it answered".</summary>
    public static DependencyWait? WaitingFor(CancellationRequest r)
    {
        if (r.Status != CancellationStatus.WaitingForDependency
            || r.History.Where(h => h.Status == CancellationStatus.WaitingForDependency).MaxBy(h => h.At) is not { } since)
            return null;
        var reason = since.Reason ?? "";
        var colon = reason.IndexOf(':', StringComparison.Ordinal);
        return colon > 0
            ? new DependencyWait(reason[..colon], reason[(colon + 1)..].Trim(), since.At, r.NextAttemptAt)
            : new DependencyWait("unknown", reason, since.At, r.NextAttemptAt);
    }

    private static Step ToStep(ExecutionStep s) => new(
        s.Name.ToWireName(),
        s.Status.ToWireName(),
        s.Attempts,
        s.LastError,
        s.StartedAt,
        s.CompletedAt,
        s.Outcome is null ? null : JsonDocument.Parse(s.Outcome).RootElement.Clone());

    public static Summary ToSummary(CancellationRequest r, DateOnly today) =>
        new(r.Id, r.Msisdn.Value, CancellationRequest.Describe(r.Status), Channel(r.Channel), r.SubmittedAt, r.ReviewDueBy, r.IsOverdue(today), r.EffectiveOn, Kind(r.Kind));

    public static string Channel(CancellationChannel channel) => channel switch
    {
        CancellationChannel.CallCentre => "call_centre",
        CancellationChannel.Store => "store",
        CancellationChannel.Bss => "bss",
        CancellationChannel.Porting => "porting",
        _ => "online",
    };

    public static string Effective(EffectivePolicy effective) => effective == EffectivePolicy.EndOfBillingCycle ? "end_of_billing_cycle" : "immediate";

    public static bool TryParseStatus(string? text, out CancellationStatus status)
    {
        foreach (var candidate in Enum.GetValues<CancellationStatus>())
        {
            if (CancellationRequest.Describe(candidate) == text)
            {
                status = candidate;
                return true;
            }
        }
        status = default;
        return false;
    }
}
