namespace LastCall.Domain.Messaging;

public enum MessageChannel
{
    Sms,
    Email,
}

/// <summary>
/// A record of a message sent to a customer or to staff: the communication log, and in development
/// the outbox that the console and <c>GET /api/v1/dev/messages</c> show.
/// </summary>
public sealed class SentMessage
{
    private SentMessage()
    {
        To = null!;
        Body = null!;
        Template = null!;
        Language = null!;
        Provider = null!;
    }

    public Guid Id { get; private set; }

    public MessageChannel Channel { get; private set; }

    public string To { get; private set; }

    public string? Subject { get; private set; }

    public string Body { get; private set; }

    /// <summary>Which template produced it (sign_in_code, fraud_alert, …).</summary>
    public string Template { get; private set; }

    public string Language { get; private set; }

    public string Provider { get; private set; }

    public DateTimeOffset SentAt { get; private set; }

    public static SentMessage Record(MessageChannel channel, string to, string? subject, string body, string template, string language, string provider, DateTimeOffset now) => new()
    {
        Id = Guid.CreateVersion7(now),
        Channel = channel,
        To = to,
        Subject = subject,
        Body = body,
        Template = template,
        Language = language,
        Provider = provider,
        SentAt = now,
    };
}
