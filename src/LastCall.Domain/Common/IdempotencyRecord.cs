namespace LastCall.Domain.Common;

/// <summary>
/// The first answer to a state-changing request sent with an <c>Idempotency-Key</c>, kept so a retry
/// with the same key gets the same answer (IETF httpapi idempotency draft). Keys are scoped to the
/// caller, so two callers cannot collide or read each other's answers.
/// </summary>
public sealed class IdempotencyRecord
{
    private IdempotencyRecord()
    {
        Scope = null!;
        Key = null!;
        RequestHash = null!;
    }

    public string Scope { get; private set; }

    public string Key { get; private set; }

    /// <summary>SHA-256 of method, path and body: the same key with another request is refused.</summary>
    public string RequestHash { get; private set; }

    public bool Completed { get; private set; }

    public int StatusCode { get; private set; }

    public string? ContentType { get; private set; }

    public string? Location { get; private set; }

    public byte[]? Body { get; private set; }

    /// <summary>When the request began, or last showed that it is still running (an unfinished record is kept alive while its request runs).</summary>
    public DateTimeOffset CreatedAt { get; private set; }

    public DateTimeOffset ExpiresAt { get; private set; }

    public static IdempotencyRecord Begin(string scope, string key, string requestHash, DateTimeOffset now, TimeSpan keepFor) => new()
    {
        Scope = scope,
        Key = key,
        RequestHash = requestHash,
        CreatedAt = now,
        ExpiresAt = now + keepFor,
    };

    public void Complete(int statusCode, string? contentType, string? location, byte[] body)
    {
        Completed = true;
        StatusCode = statusCode;
        ContentType = contentType;
        Location = location;
        Body = body;
    }
}
