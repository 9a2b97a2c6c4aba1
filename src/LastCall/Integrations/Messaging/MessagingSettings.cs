using System.ComponentModel.DataAnnotations;

namespace LastCall.Integrations.Messaging;

/// <summary>Where SMS and e-mail go (section <c>Messaging</c>, decision 0014).</summary>
public sealed class MessagingSettings : IValidatableObject
{
    /// <summary>The development outbox (the default) or the operator's HTTP gateway (<see cref="HttpGatewaySender.ProviderName"/>).</summary>
    public string Provider { get; set; } = DevelopmentOutboxSender.ProviderName;

    /// <summary>Who is told when a customer flags a line as not theirs.</summary>
    [Required, EmailAddress]
    public string FraudDeskEmail { get; set; } = "fraud-desk@lastcall.local";

    public GatewaySettings Gateway { get; set; } = new();

    public sealed class GatewaySettings
    {
        public string? Url { get; set; }

        /// <summary>Sent as a bearer token when set.</summary>
        public string? Token { get; set; }
    }

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (Provider is not (DevelopmentOutboxSender.ProviderName or HttpGatewaySender.ProviderName))
            yield return new ValidationResult($"Provider must be {DevelopmentOutboxSender.ProviderName} or {HttpGatewaySender.ProviderName}, not '{Provider}'.", [nameof(Provider)]);
        if (Provider == HttpGatewaySender.ProviderName && !Uri.TryCreate(Gateway.Url, UriKind.Absolute, out _))
            yield return new ValidationResult("Gateway:Url must be an absolute URL with the HTTP gateway.", ["Gateway:Url"]);
    }
}
