using System.Net.Http.Headers;
using System.Net.Http.Json;

namespace LastCall.Integrations.Messaging;

/// <summary>
/// Production messaging: posts each message as JSON to the operator's SMS/e-mail gateway
/// (<c>Messaging:Gateway:Url</c>, bearer token <c>Messaging:Gateway:Token</c>). Nothing is kept in our
/// database — the bodies hold one-time codes. A gateway that fails or times out (10 s) surfaces as
/// 503 <c>messaging_unavailable</c>.
/// </summary>
public sealed class HttpGatewaySender(HttpClient http, MessagingSettings settings) : IMessageSender
{
    public const string ProviderName = "HttpGateway";

    /// <summary>The longest one message may take at the gateway before it counts as failed.</summary>
    public static readonly TimeSpan SendTimeout = TimeSpan.FromSeconds(10);

    public string Name => ProviderName;

    public bool SendsWithTheSave => false;

    public async Task SendAsync(OutgoingMessage message, CancellationToken cancellationToken)
    {
        var url = settings.Gateway.Url ?? throw new InvalidOperationException("Messaging:Gateway:Url is not set.");
        using var request = new HttpRequestMessage(HttpMethod.Post, url)
        {
            Content = JsonContent.Create(new
            {
                channel = message.Channel.ToString().ToLowerInvariant(),
                to = message.To,
                subject = message.Subject,
                body = message.Body,
                template = message.Template,
                language = message.Language,
            }),
        };
        if (settings.Gateway.Token is { Length: > 0 } token)
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        try
        {
            // Not the caller's token: a message is sent once it is asked for. Handlers send after they commit, so a client
            // that hangs up then must not unsend what the change tells the customer; the timeout bounds the wait.
            using var response = await http.SendAsync(request, CancellationToken.None);
            if (!response.IsSuccessStatusCode)
                throw new MessagingUnavailableException($"The messaging gateway answered {(int)response.StatusCode}.");
        }
        catch (HttpRequestException ex)
        {
            throw new MessagingUnavailableException("The messaging gateway cannot be reached.", ex);
        }
        catch (TaskCanceledException ex)
        {
            throw new MessagingUnavailableException("The messaging gateway did not answer in time.", ex);
        }
    }
}

public sealed class MessagingUnavailableException : Exception
{
    public MessagingUnavailableException(string message)
        : base(message)
    {
    }

    public MessagingUnavailableException(string message, Exception inner)
        : base(message, inner)
    {
    }
}
