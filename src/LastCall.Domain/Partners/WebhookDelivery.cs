using LastCall.Domain.Common;

namespace LastCall.Domain.Partners;

public enum DeliveryStatus
{
    Pending,
    Succeeded,
    Failed,
}

/// <summary>What one POST to a receiver gave: a status code, or an error (timeout, refused connection).</summary>
public sealed record AttemptOutcome(DateTimeOffset At, int? StatusCode, string? Error, TimeSpan Duration, TimeSpan? RetryAfter = null)
{
    public bool IsSuccess => StatusCode is >= 200 and < 300;

    public bool IsGone => StatusCode == 410;
}

/// <summary>
/// One event for one partner: the signed body is fixed when the event happens, and every attempt
/// sends it with the same <see cref="WebhookId"/>, so receivers can drop duplicates (at-least-once).
/// Attempts follow a schedule (immediately, then after each delay); 2xx ends it, 410 leaves it
/// waiting for a new URL, 429/503 wait as long as Retry-After says, anything else waits for the next
/// delay; after the last delay the delivery has <see cref="DeliveryStatus.Failed"/>.
/// </summary>
[Bookkeeping] // Made by audited changes; its attempts are logged as DeliveryAttempt rows the partner can read, not in the audit log.
public sealed class WebhookDelivery : AggregateRoot
{
    public const int MaxErrorLength = 500;

    private WebhookDelivery()
    {
        EventKey = null!;
        EventType = null!;
        Body = null!;
    }

    public Guid Id { get; private set; }

    public Guid PartnerId { get; private set; }

    /// <summary>The outbox event this delivers; with the partner it is unique, so an event reaches a partner once.</summary>
    public string EventKey { get; private set; }

    public string EventType { get; private set; }

    /// <summary>The JSON body sent (and signed) on every attempt.</summary>
    public string Body { get; private set; }

    public DateTimeOffset CreatedAt { get; private set; }

    public DeliveryStatus Status { get; private set; }

    /// <summary>Every attempt ever made, manual redeliveries included.</summary>
    public int Attempts { get; private set; }

    /// <summary>Attempts in the current round of the schedule (a redelivery starts a new round).</summary>
    public int RoundAttempts { get; private set; }

    public DateTimeOffset? NextAttemptAt { get; private set; }

    public DateTimeOffset? LastAttemptAt { get; private set; }

    public int? LastStatusCode { get; private set; }

    public string? LastError { get; private set; }

    public DateTimeOffset? CompletedAt { get; private set; }

    public string? LeaseOwner { get; private set; }

    public DateTimeOffset? LeaseExpiresAt { get; private set; }

    /// <summary>The Standard Webhooks message id, the same on every attempt.</summary>
    public string WebhookId => "msg_" + Id.ToString("N");

    public static WebhookDelivery Create(Guid partnerId, string eventKey, string eventType, string body, DateTimeOffset now) => new()
    {
        Id = Guid.CreateVersion7(now),
        PartnerId = partnerId,
        EventKey = eventKey,
        EventType = eventType,
        Body = body,
        CreatedAt = now,
        Status = DeliveryStatus.Pending,
        NextAttemptAt = now,
    };

    /// <summary>
    /// Records an attempt and decides what comes next. <paramref name="retryDelays"/> are the waits
    /// after the first, second, … failed attempt; <paramref name="jitter"/> spreads each one.
    /// </summary>
    public DeliveryAttempt Attempted(AttemptOutcome outcome, IReadOnlyList<TimeSpan> retryDelays, Func<TimeSpan, TimeSpan> jitter)
    {
        Attempts++;
        LastAttemptAt = outcome.At;
        LastStatusCode = outcome.StatusCode;
        LastError = Truncate(outcome.Error);
        LeaseOwner = null;
        LeaseExpiresAt = null;
        var attempt = new DeliveryAttempt(Id, Attempts, outcome.At, outcome.StatusCode, LastError, (int)Math.Min(int.MaxValue, outcome.Duration.TotalMilliseconds));

        if (outcome.IsSuccess)
        {
            Status = DeliveryStatus.Succeeded;
            CompletedAt = outcome.At;
            NextAttemptAt = null;
            return attempt;
        }
        if (outcome.IsGone)
        {
            // The endpoint is disabled; the delivery waits, without using up its schedule, for a new URL.
            NextAttemptAt = outcome.At;
            return attempt;
        }
        RoundAttempts++;
        if (RoundAttempts > retryDelays.Count)
        {
            Status = DeliveryStatus.Failed;
            CompletedAt = outcome.At;
            NextAttemptAt = null;
            return attempt;
        }
        var wait = outcome.RetryAfter is { } asked && outcome.StatusCode is 429 or 503
            ? asked
            : jitter(retryDelays[RoundAttempts - 1]);
        NextAttemptAt = outcome.At + (wait < TimeSpan.Zero ? TimeSpan.Zero : wait);
        return attempt;
    }

    /// <summary>Lets go of a claim without attempting (the endpoint was disabled meanwhile).</summary>
    public void ReleaseLease()
    {
        LeaseOwner = null;
        LeaseExpiresAt = null;
    }

    /// <summary>Sends the delivery again (same id) from the start of the schedule, at the partner's request.</summary>
    public Result Redeliver(DateTimeOffset now)
    {
        if (LeaseExpiresAt is { } until && until > now)
            return Fail.Conflict("delivery_in_progress", "The delivery is being attempted right now; try again in a moment.");
        Status = DeliveryStatus.Pending;
        RoundAttempts = 0;
        NextAttemptAt = now;
        CompletedAt = null;
        return Result.Success;
    }

    private static string? Truncate(string? error) => error is { Length: > MaxErrorLength } ? error[..MaxErrorLength] : error;
}

/// <summary>One POST to a receiver, kept so the partner can see every attempt.</summary>
public sealed class DeliveryAttempt
{
    internal DeliveryAttempt(Guid deliveryId, int number, DateTimeOffset at, int? statusCode, string? error, int durationMilliseconds)
    {
        DeliveryId = deliveryId;
        Number = number;
        At = at;
        StatusCode = statusCode;
        Error = error;
        DurationMilliseconds = durationMilliseconds;
    }

    public long Id { get; private set; }

    public Guid DeliveryId { get; private set; }

    public int Number { get; private set; }

    public DateTimeOffset At { get; private set; }

    public int? StatusCode { get; private set; }

    public string? Error { get; private set; }

    public int DurationMilliseconds { get; private set; }
}
