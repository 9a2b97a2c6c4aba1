using LastCall.Domain.Common;

namespace LastCall.Domain.Cancellations;

public enum CancellationChannel
{
    Online,
    CallCentre,
    Store,

    /// <summary>The operator's BSS (CRM, order management) ordered it through the TM Forum Product Ordering API; always reviewed.</summary>
    Bss,

    /// <summary>The recipient operator's porting system asked for a port-out with the owner's authorization code.</summary>
    Porting,
}

/// <summary>
/// What a request ends the line with. Both run on the same execution engine (claims, leases, retries, crash resume) and
/// hold the line the same way (one live request per line); they differ in their steps and in what becomes of the number.
/// </summary>
public enum RequestKind
{
    /// <summary>The number is disconnected: quarantine, register entry, certificate, partners told to unbind.</summary>
    Cancellation,

    /// <summary>The number leaves with its owner for another operator: no quarantine, no register entry, no certificate.</summary>
    PortOut,
}

public enum EffectivePolicy
{
    Immediate,
    EndOfBillingCycle,
}

public enum CancellationStatus
{
    Submitted,
    UnderReview,
    Approved,
    Scheduled,
    Executing,

    /// <summary>
    /// Executing, but paused: a system a step needs (SM-DP+, billing, network) has not answered for longer than the
    /// retry budget. Retried on its own until the system answers, then executing again; never failed for that alone.
    /// </summary>
    WaitingForDependency,
    Completed,
    Rejected,
    Withdrawn,
    Failed,
}

/// <summary>How the requester's identity was established for this request.</summary>
public enum IdentityMethod
{
    /// <summary>The owner signed in with service password and SMS code and uploaded an ID document.</summary>
    SignInWithDocument,

    /// <summary>A call-centre agent verified the caller with service password and SMS code in this call.</summary>
    CallVerification,

    /// <summary>A clerk checked the ID card in person at a store.</summary>
    InPersonId,

    /// <summary>The operator's BSS placed a termination order; the customer's identity is the BSS's record, and a reviewer decides.</summary>
    BssOrder,

    /// <summary>The recipient operator gave the port-out authorization code we texted to the owner, and the owner's ID.</summary>
    PortingAuthorization,
}

/// <summary>Who verified the requester, how, where and when.</summary>
public sealed record IdentityEvidence(IdentityMethod Method, string VerifiedBy, string? StoreId, DateTimeOffset VerifiedAt);

/// <summary>One step of a request's life: the status it entered, when, who moved it and why.</summary>
public sealed class CancellationTransition
{
    private CancellationTransition() => By = null!;

    internal CancellationTransition(CancellationStatus status, DateTimeOffset at, string by, string? reason)
    {
        Status = status;
        At = at;
        By = by;
        Reason = reason;
    }

    public long Id { get; private set; }

    public CancellationStatus Status { get; private set; }

    public DateTimeOffset At { get; private set; }

    public string By { get; private set; }

    public string? Reason { get; private set; }
}

/// <summary>
/// A request to cancel one line (DESIGN.md, Cancellation request). Online and call-centre requests
/// and in-person requests that trip a risk rule go to review; in-person requests with a clean record
/// skip it. Every transition checks the current status and appends to the history.
/// </summary>
public sealed class CancellationRequest : AggregateRoot
{
    /// <summary>Statuses in which a request still holds its line (one live request per line).</summary>
    public static readonly IReadOnlyList<CancellationStatus> LiveStatuses =
        [CancellationStatus.Submitted, CancellationStatus.UnderReview, CancellationStatus.Approved, CancellationStatus.Scheduled, CancellationStatus.Executing,
            CancellationStatus.WaitingForDependency, CancellationStatus.Failed];

    public const int MaxReasonLength = 500;

    private readonly List<CancellationTransition> _history = [];

    private CancellationRequest()
    {
        Msisdn = null!;
        VerifiedBy = null!;
        SubmittedBy = null!;
        DocumentIds = [];
        ReviewReasons = [];
    }

    public Guid Id { get; private set; }

    public RequestKind Kind { get; private set; }

    /// <summary>A port-out's recipient operator, as its porting system names itself.</summary>
    public string? RecipientOperator { get; private set; }

    /// <summary>When the recipient operator asked a port-out to run; null: at once.</summary>
    public DateTimeOffset? PortAt { get; private set; }

    public Guid LineId { get; private set; }

    public Msisdn Msisdn { get; private set; }

    public Guid CustomerId { get; private set; }

    public CancellationChannel Channel { get; private set; }

    public EffectivePolicy Effective { get; private set; }

    public CancellationStatus Status { get; private set; }

    public DateTimeOffset SubmittedAt { get; private set; }

    /// <summary>The actor who submitted: <c>customer:ID</c>, <c>staff:NAME</c> or (a BSS order) <c>partner:ID</c>.</summary>
    public string SubmittedBy { get; private set; }

    /// <summary>The store the request was made in (store channel only).</summary>
    public string? StoreId { get; private set; }

    public IdentityMethod IdentityMethod { get; private set; }

    public string VerifiedBy { get; private set; }

    public DateTimeOffset VerifiedAt { get; private set; }

    /// <summary>The uploaded ID documents, in the order given.</summary>
    public IReadOnlyList<Guid> DocumentIds { get; private set; }

    /// <summary>Why the request needs review (channel, risk warnings) as codes; empty when it skipped review.</summary>
    public IReadOnlyList<string> ReviewReasons { get; private set; }

    public DateOnly? ReviewDueBy { get; private set; }

    public DateOnly EffectiveOn { get; private set; }

    /// <summary>The early-exit fee the customer accepted to end a running contract; billed with the final bill (0: none).</summary>
    public decimal EarlyExitFee { get; private set; }

    public string? RejectionReason { get; private set; }

    public DateTimeOffset? DecidedAt { get; private set; }

    public string? DecidedBy { get; private set; }

    /// <summary>When the customer was last told the effective date and how to stop it; execution waits for it.</summary>
    public DateTimeOffset? NoticeSentAt { get; private set; }

    public IReadOnlyList<CancellationTransition> History => _history;

    /// <summary>The worker holding the request, and until when; another worker may take it over after that.</summary>
    [Bookkeeping]
    public string? LeaseOwner { get; private set; }

    [Bookkeeping]
    public DateTimeOffset? LeaseExpiresAt { get; private set; }

    /// <summary>Not before this instant (backoff after a failed attempt).</summary>
    [Bookkeeping]
    public DateTimeOffset? NextAttemptAt { get; private set; }

    public DateTimeOffset? CompletedAt { get; private set; }

    public string? CertificateNumber { get; private set; }

    /// <summary>The W3C <c>traceparent</c> of the request that submitted it, so that its execution continues that trace.</summary>
    public string? TraceParent { get; private set; }

    /// <summary>Extends the lease of the worker that holds the request (saved with the step it is about to run).</summary>
    public void ExtendLease(DateTimeOffset until) => LeaseExpiresAt = until;

    public void ReleaseLease(DateTimeOffset? nextAttemptAt)
    {
        LeaseOwner = null;
        LeaseExpiresAt = null;
        NextAttemptAt = nextAttemptAt;
    }

    public void RecordCertificate(string number) => CertificateNumber = number;

    public void RecordNoticeSent(DateTimeOffset now) => NoticeSentAt = now;

    public void RecordTraceParent(string? traceParent) => TraceParent = traceParent;

    public bool NeedsReview => ReviewReasons.Count > 0;

    /// <summary>A store request with the ID card checked at the counter and no review: the customer is there, so it runs at once.</summary>
    public bool MadeAtTheCounter => Channel == CancellationChannel.Store && !NeedsReview;

    /// <summary>
    /// When the cooling-off of a request not made at a counter ends: <paramref name="coolingOff"/> after the owner was
    /// told (or after <paramref name="noticeAt"/>, before the notice is sent); null for counter requests, which have none.
    /// </summary>
    public DateTimeOffset? CoolingOffEnds(TimeSpan coolingOff, DateTimeOffset? noticeAt = null) =>
        MadeAtTheCounter || Kind == RequestKind.PortOut || (NoticeSentAt ?? noticeAt) is not { } told ? null : told + coolingOff;

    /// <summary>
    /// Whether execution waits for the owner to be told of the approval. A port-out does not: the owner asked for it by
    /// giving the recipient operator the code we texted them, and the recipient operator fixes the time.
    /// </summary>
    public bool NeedsApprovalNotice => Kind == RequestKind.Cancellation;

    /// <summary>
    /// A counter request that runs at once is told by the execution as it starts, before any step acts: the request
    /// row is the notice's outbox (committed with the submission), so it is due at once and nothing waits for it.
    /// </summary>
    public bool NoticeSentByExecution => NeedsApprovalNotice && MadeAtTheCounter && Effective == EffectivePolicy.Immediate;

    /// <summary>An audit event's name for this kind of request: <c>cancellation.completed</c>, <c>port_out.completed</c>.</summary>
    public string EventName(string what) => (Kind == RequestKind.PortOut ? "port_out." : "cancellation.") + what;

    public const int MaxRecipientOperatorLength = 80;

    /// <summary>
    /// Files a port-out asked for by a porting client with the owner's authorization code, eligible (checked by the
    /// caller). It needs no review and runs at <paramref name="portAt"/> (at once when null).
    /// </summary>
    public static Result<CancellationRequest> SubmitPortOut(Guid lineId, Msisdn msisdn, Guid customerId, string? recipientOperator, DateTimeOffset? portAt,
        string submittedBy, DateOnly today, DateTimeOffset now)
    {
        var recipient = recipientOperator?.Trim();
        if (string.IsNullOrEmpty(recipient) || recipient.Length > MaxRecipientOperatorLength || recipient.Any(char.IsControl))
            return Result<CancellationRequest>.Failure("invalid_recipient_operator", $"recipientOperator names the recipient operator in 1 to {MaxRecipientOperatorLength} characters.");
        if (portAt is { } at && (at < now - TimeSpan.FromMinutes(5) || at > now + TimeSpan.FromDays(30)))
            return Result<CancellationRequest>.Failure("invalid_port_at", "portAt is a moment within the next 30 days (leave it out for at once).");
        var request = new CancellationRequest
        {
            Id = Guid.CreateVersion7(now),
            Kind = RequestKind.PortOut,
            RecipientOperator = recipient,
            PortAt = portAt is { } asked && asked > now ? asked : null,
            LineId = lineId,
            Msisdn = msisdn,
            CustomerId = customerId,
            Channel = CancellationChannel.Porting,
            Effective = EffectivePolicy.Immediate,
            Status = CancellationStatus.Submitted,
            SubmittedAt = now,
            SubmittedBy = submittedBy,
            IdentityMethod = IdentityMethod.PortingAuthorization,
            VerifiedBy = submittedBy,
            VerifiedAt = now,
            DocumentIds = [],
            ReviewReasons = [],
            EffectiveOn = portAt is { } day && day > now ? DateOnly.FromDateTime(day.UtcDateTime) : today,
        };
        request._history.Add(new CancellationTransition(CancellationStatus.Submitted, now, submittedBy, null));
        request.DecidedAt = now;
        request.DecidedBy = submittedBy;
        request.Move(CancellationStatus.Approved, now, submittedBy, null);
        request.NextAttemptAt = portAt is { } due && due > now ? due : now;
        return request;
    }

    /// <summary>
    /// Files a request. <paramref name="reviewReasons"/> empty means it skips review and is approved at
    /// once by the verifying clerk; otherwise it waits in the review queue until <paramref name="reviewDueBy"/>.
    /// </summary>
    public static Result<CancellationRequest> Submit(
        Guid lineId,
        Msisdn msisdn,
        Guid customerId,
        CancellationChannel channel,
        EffectivePolicy effective,
        IdentityEvidence identity,
        IReadOnlyList<Guid> documentIds,
        IReadOnlyList<string> reviewReasons,
        DateOnly? reviewDueBy,
        DateOnly effectiveOn,
        string submittedBy,
        DateTimeOffset now,
        decimal earlyExitFee = 0)
    {
        if (earlyExitFee < 0 || decimal.Round(earlyExitFee, 2) != earlyExitFee)
            return Result<CancellationRequest>.Failure("invalid_amount", "An early-exit fee is zero or more, with at most two decimal places.");
        if (channel == CancellationChannel.Online && documentIds.Count == 0)
            return Result<CancellationRequest>.Failure("document_required", "An online request needs a photo or scan of the owner's ID document.");
        if (channel == CancellationChannel.Store && identity.Method != IdentityMethod.InPersonId)
            return Result<CancellationRequest>.Failure("identity_check_required", "A store request needs the clerk's in-person ID check.");
        if (channel == CancellationChannel.Bss && identity.Method != IdentityMethod.BssOrder)
            return Result<CancellationRequest>.Failure("identity_check_required", "A BSS request is identified by its order.");
        if (channel != CancellationChannel.Store && reviewReasons.Count == 0)
            return Result<CancellationRequest>.Failure("review_required", "Online, call-centre and BSS requests always go to review.");
        if (reviewReasons.Count > 0 && reviewDueBy is null)
            return Result<CancellationRequest>.Failure("review_due_required", "A request going to review needs its due date.");

        var request = new CancellationRequest
        {
            Id = Guid.CreateVersion7(now),
            LineId = lineId,
            Msisdn = msisdn,
            CustomerId = customerId,
            Channel = channel,
            Effective = effective,
            Status = CancellationStatus.Submitted,
            SubmittedAt = now,
            SubmittedBy = submittedBy,
            StoreId = identity.StoreId,
            IdentityMethod = identity.Method,
            VerifiedBy = identity.VerifiedBy,
            VerifiedAt = identity.VerifiedAt,
            DocumentIds = [.. documentIds],
            ReviewReasons = [.. reviewReasons],
            ReviewDueBy = reviewReasons.Count > 0 ? reviewDueBy : null,
            EffectiveOn = effectiveOn,
            EarlyExitFee = earlyExitFee,
        };
        request._history.Add(new CancellationTransition(CancellationStatus.Submitted, now, submittedBy, null));
        if (request.NeedsReview)
            request.Move(CancellationStatus.UnderReview, now, "system", string.Join(',', reviewReasons));
        else
            request.Decide(submittedBy, now, effectiveOn);
        return request;
    }

    /// <summary>A reviewer approves; the request is due on <paramref name="effectiveOn"/>.</summary>
    public Result Approve(string reviewer, DateTimeOffset now, DateOnly effectiveOn)
    {
        if (Status != CancellationStatus.UnderReview)
            return Fail($"Only a request under review can be approved; this one is {Describe(Status)}.");
        Decide(reviewer, now, effectiveOn);
        return Result.Success;
    }

    public Result Reject(string reviewer, string? reason, DateTimeOffset now)
    {
        if (Status != CancellationStatus.UnderReview)
            return Fail($"Only a request under review can be rejected; this one is {Describe(Status)}.");
        var text = reason?.Trim();
        if (string.IsNullOrEmpty(text) || text.Length > MaxReasonLength)
            return Result.Failure("reason_required", $"Give the customer a reason of 1 to {MaxReasonLength} characters.");
        RejectionReason = text;
        DecidedAt = now;
        DecidedBy = reviewer;
        Move(CancellationStatus.Rejected, now, reviewer, text);
        return Result.Success;
    }

    /// <summary>Whether a request in <paramref name="status"/> may still be withdrawn (before execution starts, not yet ended).</summary>
    public static bool MayWithdraw(CancellationStatus status) =>
        status is not (CancellationStatus.Executing or CancellationStatus.WaitingForDependency or CancellationStatus.Completed or CancellationStatus.Failed
            or CancellationStatus.Rejected or CancellationStatus.Withdrawn);

    /// <summary>The customer (or staff for them) changes their mind; allowed until execution starts.</summary>
    public Result Withdraw(string by, DateTimeOffset now)
    {
        if (Status is CancellationStatus.Executing or CancellationStatus.WaitingForDependency or CancellationStatus.Completed or CancellationStatus.Failed)
            return Common.Fail.Conflict("too_late", "Execution has started; the request can no longer be withdrawn.");
        if (Status is CancellationStatus.Rejected or CancellationStatus.Withdrawn)
            return Fail($"The request is already {Describe(Status)}.");
        Move(CancellationStatus.Withdrawn, now, by, null);
        return Result.Success;
    }

    /// <summary>The execution worker picks the request up; its steps (SM-DP+, billing, network, certificate) follow.</summary>
    public Result StartExecution(DateTimeOffset now)
    {
        if (Status is not (CancellationStatus.Approved or CancellationStatus.Scheduled))
            return Fail($"Only an approved or scheduled request can start executing; this one is {Describe(Status)}.");
        Move(CancellationStatus.Executing, now, "system", null);
        return Result.Success;
    }

    public Result Complete(DateTimeOffset now)
    {
        if (Status != CancellationStatus.Executing)
            return Fail($"Only an executing request can complete; this one is {Describe(Status)}.");
        CompletedAt = now;
        Move(CancellationStatus.Completed, now, "system", null);
        return Result.Success;
    }

    /// <summary>Whether execution has started and not ended (running, or paused for a dependency).</summary>
    public bool IsExecuting => Status is CancellationStatus.Executing or CancellationStatus.WaitingForDependency;

    /// <summary>
    /// A step's system stayed unreachable beyond the retry budget: the request waits for it (visible to staff and
    /// the customer) instead of failing. <paramref name="reason"/> names the system and what it answered.
    /// </summary>
    public Result WaitForDependency(string reason, DateTimeOffset now)
    {
        if (Status != CancellationStatus.Executing)
            return Fail($"Only an executing request can wait for a dependency; this one is {Describe(Status)}.");
        Move(CancellationStatus.WaitingForDependency, now, "system", reason);
        return Result.Success;
    }

    /// <summary>The system answered again: execution goes on where it paused.</summary>
    public Result ResumeExecution(DateTimeOffset now)
    {
        if (Status != CancellationStatus.WaitingForDependency)
            return Fail($"Only a request waiting for a dependency can resume; this one is {Describe(Status)}.");
        Move(CancellationStatus.Executing, now, "system", "dependency_answered");
        return Result.Success;
    }

    public Result MarkFailed(string error, DateTimeOffset now)
    {
        if (!IsExecuting)
            return Fail($"Only an executing request can fail; this one is {Describe(Status)}.");
        Move(CancellationStatus.Failed, now, "system", error);
        return Result.Success;
    }

    public Result Retry(string supervisor, DateTimeOffset now)
    {
        if (Status != CancellationStatus.Failed)
            return Fail($"Only a failed request can be retried; this one is {Describe(Status)}.");
        NextAttemptAt = null;
        Move(CancellationStatus.Executing, now, supervisor, "retry");
        return Result.Success;
    }

    /// <summary>Whether the review is late on <paramref name="today"/>.</summary>
    public bool IsOverdue(DateOnly today) => Status == CancellationStatus.UnderReview && ReviewDueBy is { } due && today > due;

    /// <summary>Whether the request has ended for good (its line is free for another request).</summary>
    public bool IsFinal => Status is CancellationStatus.Completed or CancellationStatus.Rejected or CancellationStatus.Withdrawn;

    private void Decide(string by, DateTimeOffset now, DateOnly effectiveOn)
    {
        DecidedAt = now;
        DecidedBy = by;
        EffectiveOn = effectiveOn;
        Move(CancellationStatus.Approved, now, by, null);
        // A request for the end of the billing cycle waits as scheduled; an immediate one stays approved for execution.
        if (Effective == EffectivePolicy.EndOfBillingCycle)
            Move(CancellationStatus.Scheduled, now, "system", null);
        else
            NextAttemptAt = NoticeSentByExecution ? null : now + ApprovalNoticeWait;
    }

    /// <summary>
    /// The customer learns of an approval before anything is executed: execution waits until the approval notice is
    /// recorded as sent (<see cref="RecordNoticeSent"/>), and at most this long, after which the execution sends it
    /// (at once for <see cref="NoticeSentByExecution"/>). Longer than the approval's own notice can take when the
    /// gateway is slow (an SMS and an e-mail, 10 s each at most), or both would text the customer.
    /// </summary>
    public static readonly TimeSpan ApprovalNoticeWait = TimeSpan.FromSeconds(30);

    private void Move(CancellationStatus status, DateTimeOffset now, string by, string? reason)
    {
        Status = status;
        _history.Add(new CancellationTransition(status, now, by, reason));
    }

    private static Result Fail(string message) => Common.Fail.Conflict("invalid_transition", message);

    public static string Describe(CancellationStatus status) => status switch
    {
        CancellationStatus.UnderReview => "under_review",
        _ => status.ToWireName(),
    };
}
