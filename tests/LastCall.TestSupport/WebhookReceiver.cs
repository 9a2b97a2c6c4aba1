using System.Collections.Concurrent;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace LastCall.TestSupport;

/// <summary>One request as the receiver saw it, taken when it arrived.</summary>
public sealed record ReceivedWebhook(string? Id, string? Timestamp, string? Signature, string Body, DateTimeOffset At, int AnsweredWith);

/// <summary>How the receiver answers the next requests.</summary>
public sealed record ReceiverBehaviour(int Status = 200, int? RetryAfterSeconds = null, TimeSpan? Delay = null);

/// <summary>
/// A real webhook receiver: a small Kestrel app on a loopback port, recording every request and
/// answering as told. It can be stopped (connections refused) and started again on the same port.
/// </summary>
public sealed class WebhookReceiver : IAsyncDisposable
{
    private readonly ConcurrentQueue<ReceivedWebhook> _received = new();
    private readonly ConcurrentQueue<ReceiverBehaviour> _script = new();
    private WebApplication? _app;

    /// <summary>The bound port: chosen by the system at the first start (port 0, read back), kept for restarts.</summary>
    public int Port { get; private set; }

    public string Url => $"http://127.0.0.1:{Port}/hooks/lastcall";

    /// <summary>Answers once the scripted behaviours are used up.</summary>
    public ReceiverBehaviour Default { get; set; } = new();

    public IReadOnlyList<ReceivedWebhook> Received => [.. _received];

    public static async Task<WebhookReceiver> StartAsync(bool running = true)
    {
        // Started once even when it should be down, so that the system picks the port (a port chosen and bound
        // later can be taken by another process meanwhile); a receiver that is down is then stopped.
        var receiver = new WebhookReceiver();
        await receiver.StartAsync();
        if (!running)
            await receiver.StopAsync();
        return receiver;
    }

    /// <summary>The next requests answer like this, one behaviour per request, then <see cref="Default"/>.</summary>
    public void Script(params ReceiverBehaviour[] behaviours)
    {
        foreach (var b in behaviours)
            _script.Enqueue(b);
    }

    public async Task StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders().SetMinimumLevel(LogLevel.None);
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, Port));
        var app = builder.Build();
        app.MapPost("/hooks/lastcall", async (HttpContext http) =>
        {
            using var reader = new StreamReader(http.Request.Body);
            var body = await reader.ReadToEndAsync(http.RequestAborted);
            var behaviour = _script.TryDequeue(out var next) ? next : Default;
            _received.Enqueue(new ReceivedWebhook(http.Request.Headers["webhook-id"], http.Request.Headers["webhook-timestamp"],
                http.Request.Headers["webhook-signature"], body, DateTimeOffset.UtcNow, behaviour.Status));
            if (behaviour.Delay is { } delay)
            {
                try
                {
                    await Task.Delay(delay, http.RequestAborted);
                }
                catch (OperationCanceledException)
                {
                    return Results.Empty;
                }
            }
            if (behaviour.RetryAfterSeconds is { } seconds)
                http.Response.Headers.RetryAfter = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
            return Results.StatusCode(behaviour.Status);
        });
        await app.StartAsync();
        Port = new Uri(app.Urls.First()).Port;
        _app = app;
    }

    /// <summary>Stops listening: connections are refused until <see cref="StartAsync"/>.</summary>
    public async Task StopAsync()
    {
        if (_app is { } app)
        {
            _app = null;
            await app.StopAsync();
            await app.DisposeAsync();
        }
    }

    /// <summary>Waits until the receiver has seen what <paramref name="done"/> asks for.</summary>
    public async Task<IReadOnlyList<ReceivedWebhook>> WaitForAsync(Func<IReadOnlyList<ReceivedWebhook>, bool> done, int seconds = 30)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (DateTime.UtcNow < deadline)
        {
            var seen = Received;
            if (done(seen))
                return seen;
            await Task.Delay(50, TestContext.Current.CancellationToken);
        }
        throw new TimeoutException($"The receiver did not get there in {seconds} s; it saw {Received.Count} requests.");
    }

    public async ValueTask DisposeAsync() => await StopAsync();
}
