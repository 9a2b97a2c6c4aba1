using LastCall.Data;
using LastCall.Domain.Messaging;

namespace LastCall.Integrations.Messaging;

/// <summary>A message to a person, already rendered in their language.</summary>
public sealed record OutgoingMessage(MessageChannel Channel, string To, string? Subject, string Body, string Template, string Language);

/// <summary>SMS and e-mail go out through one sender; which one is configuration (<c>Messaging:Provider</c>).</summary>
public interface IMessageSender
{
    /// <summary>The provider's name as configured, e.g. DevelopmentOutbox.</summary>
    string Name { get; }

    /// <summary>
    /// Sends now. Once asked, the message goes out even if <paramref name="cancellationToken"/> fires: callers send after
    /// committing the change the message tells of, and a caller that stops waiting must not unsend it.
    /// </summary>
    Task SendAsync(OutgoingMessage message, CancellationToken cancellationToken);

    /// <summary>
    /// Sends a message that belongs to a change of <paramref name="db"/>'s unit of work. A provider that keeps messages
    /// in our database (the development outbox) writes it with that unit of work's next save, so it is sent exactly
    /// when the change commits and never twice; any other sends it now.
    /// </summary>
    Task SendWithAsync(AppDbContext db, OutgoingMessage message, DateTimeOffset now, CancellationToken cancellationToken) =>
        SendAsync(message, cancellationToken);

    /// <summary>
    /// True when <see cref="SendWithAsync"/> only adds the message to the unit of work, which sends it when it commits.
    /// No default: a sender (or a decorator) must say, since a notice is recorded as sent at once when this is false.
    /// </summary>
    bool SendsWithTheSave { get; }
}
