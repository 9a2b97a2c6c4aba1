using System.Diagnostics;
using System.Globalization;
using System.Text;
using LastCall.Domain.Partners;
using LastCall.Security;

namespace LastCall.Features.Webhooks;

/// <summary>
/// POSTs one signed delivery (Standard Webhooks headers) and reports what happened, never throwing
/// for the receiver's failures. The HTTP handler connects through <see cref="WebhookUrlGuard.ConnectAsync"/>,
/// follows no redirects, uses no proxy, and each attempt has <see cref="WebhookSettings.Timeout"/>.
/// </summary>
public sealed class WebhookSender(IHttpClientFactory clients, WebhookSettings settings, TimeProvider clock)
{
    public const string ClientName = "webhooks";

    public const string TracingSourceName = "LastCall.Webhooks";

    private static readonly ActivitySource Spans = new(TracingSourceName);

    /// <summary>One attempt, as a span of its own (docs/operations.md, Tracing) when something traces.</summary>
    public async Task<AttemptOutcome> SendAsync(Uri url, string secret, WebhookDelivery delivery, CancellationToken ct)
    {
        using var activity = Spans.StartActivity("webhook.deliver", ActivityKind.Internal);
        if (activity is null)
            return await AttemptAsync(url, secret, delivery, ct);
        activity.SetTag("lastcall.webhook_id", delivery.WebhookId);
        activity.SetTag("lastcall.event_type", delivery.EventType);
        activity.SetTag("lastcall.partner_id", delivery.PartnerId.ToString());
        activity.SetTag("lastcall.attempt", delivery.Attempts + 1);
        var outcome = await AttemptAsync(url, secret, delivery, ct);
        activity.SetTag("http.response.status_code", outcome.StatusCode);
        if (!outcome.IsSuccess)
            activity.SetStatus(ActivityStatusCode.Error, outcome.Error ?? $"HTTP {outcome.StatusCode}");
        return outcome;
    }

    private async Task<AttemptOutcome> AttemptAsync(Uri url, string secret, WebhookDelivery delivery, CancellationToken ct)
    {
        var at = clock.GetUtcNow();
        var timestamp = at.ToUnixTimeSeconds();
        using var request = new HttpRequestMessage(HttpMethod.Post, url)
        {
            Content = new StringContent(delivery.Body, Encoding.UTF8, "application/json"),
        };
        request.Headers.Add("webhook-id", delivery.WebhookId);
        request.Headers.Add("webhook-timestamp", timestamp.ToString(CultureInfo.InvariantCulture));
        request.Headers.Add("webhook-signature", WebhookSecrets.Sign(secret, delivery.WebhookId, timestamp, delivery.Body));
        request.Headers.UserAgent.ParseAdd("LastCall-Webhooks/1");

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(settings.Timeout);
        var started = Stopwatch.GetTimestamp();
        try
        {
            using var response = await clients.CreateClient(ClientName).SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
            return new AttemptOutcome(at, (int)response.StatusCode, null, Stopwatch.GetElapsedTime(started), RetryAfter(response, clock.GetUtcNow()));
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            return new AttemptOutcome(at, null, $"timeout: no answer within {settings.Timeout.TotalSeconds:0.###} s", Stopwatch.GetElapsedTime(started));
        }
        catch (HttpRequestException e)
        {
            return new AttemptOutcome(at, null, e.InnerException is { } inner ? $"{e.Message} ({inner.Message})" : e.Message, Stopwatch.GetElapsedTime(started));
        }
    }

    public static void Configure(IServiceCollection services)
    {
        services.AddHttpClient(ClientName, c => c.Timeout = Timeout.InfiniteTimeSpan)
            .ConfigurePrimaryHttpMessageHandler(sp => new SocketsHttpHandler
            {
                ConnectCallback = sp.GetRequiredService<WebhookUrlGuard>().ConnectAsync,
                AllowAutoRedirect = false,
                UseProxy = false,
                UseCookies = false,
                PooledConnectionLifetime = TimeSpan.FromMinutes(1),
            });
    }

    private static TimeSpan? RetryAfter(HttpResponseMessage response, DateTimeOffset now)
    {
        var header = response.Headers.RetryAfter;
        var wait = header?.Delta ?? (header?.Date is { } date ? date - now : null);
        if (wait is null)
            return null;
        // Honoured, within reason: never negative, never beyond a day.
        return wait < TimeSpan.Zero ? TimeSpan.Zero : wait > TimeSpan.FromHours(24) ? TimeSpan.FromHours(24) : wait;
    }
}
