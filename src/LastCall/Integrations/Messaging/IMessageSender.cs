using LastCall.Domain.Messaging;

namespace LastCall.Integrations.Messaging;

/// <summary>A message to a person, already rendered in their language.</summary>
public sealed record OutgoingMessage(MessageChannel Channel, string To, string? Subject, string Body, string Template, string Language);

/// <summary>SMS and e-mail go out through one sender; which one is configuration (<c>Messaging:Provider</c>).</summary>
public interface IMessageSender
{
    /// <summary>The provider's name as configured, e.g. DevelopmentOutbox.</summary>
    string Name { get; }

    Task SendAsync(OutgoingMessage message, CancellationToken cancellationToken);
}
