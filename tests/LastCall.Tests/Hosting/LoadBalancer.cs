using System.Collections.Concurrent;
using System.Net;
using LastCall.TestSupport;

namespace LastCall.Tests.Hosting;

/// <summary>
/// What an operator's load balancer does, and no more: it polls every instance's <c>GET /health/ready</c> every
/// 100 ms, sends requests round-robin only to instances whose last answer was 200, and counts what came back. A
/// request is never retried on another instance, so a lost request shows as a failure.
/// </summary>
public sealed class LoadBalancer : IAsyncDisposable
{
    private static readonly TimeSpan CheckInterval = TimeSpan.FromMilliseconds(100);

    private sealed class Backend(HostProcess host)
    {
        public HostProcess Host { get; } = host;

        public HttpClient Client { get; } = new() { BaseAddress = host.BaseAddress, Timeout = TimeSpan.FromSeconds(10) };

        public volatile bool InRotation;

        public int Served;
    }

    private readonly ConcurrentDictionary<string, Backend> _backends = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Task> _checks = [];
    private readonly ConcurrentQueue<string> _failures = new();
    private int _next;
    private int _sent;

    public int Sent => Volatile.Read(ref _sent);

    /// <summary>Every answer that was not 2xx, and every request that got no answer, in the words of the failure.</summary>
    public IReadOnlyCollection<string> Failures => _failures;

    /// <summary>Requests answered by the instance named <paramref name="name"/>.</summary>
    public int ServedBy(string name) => _backends.TryGetValue(name, out var b) ? Volatile.Read(ref b.Served) : 0;

    /// <summary>Starts checking <paramref name="host"/>; it takes traffic once its readiness answers 200.</summary>
    public void Add(HostProcess host)
    {
        var backend = new Backend(host);
        _backends[host.Name] = backend;
        _checks.Add(Task.Run(() => CheckAsync(backend)));
    }

    private async Task CheckAsync(Backend backend)
    {
        using var health = new HttpClient { BaseAddress = backend.Host.BaseAddress, Timeout = TimeSpan.FromSeconds(1) };
        while (!_stop.IsCancellationRequested && !backend.Host.HasExited)
        {
            try
            {
                using var response = await health.GetAsync("health/ready", _stop.Token);
                backend.InRotation = response.StatusCode == HttpStatusCode.OK;
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                backend.InRotation = false;
            }
            await Task.Delay(CheckInterval, _stop.Token).ContinueWith(_ => { }, TaskScheduler.Default);
        }
        backend.InRotation = false;
    }

    /// <summary>Sends one request to the next instance in rotation; false when no instance is in rotation.</summary>
    public async Task<bool> SendAsync(Func<HttpRequestMessage> request, CancellationToken ct)
    {
        var candidates = _backends.Values.Where(b => b.InRotation).ToList();
        if (candidates.Count == 0)
            return false;
        var backend = candidates[(int)((uint)Interlocked.Increment(ref _next) % candidates.Count)];
        Interlocked.Increment(ref _sent);
        try
        {
            using var message = request();
            using var response = await backend.Client.SendAsync(message, ct);
            if (response.IsSuccessStatusCode)
                Interlocked.Increment(ref backend.Served);
            else
                _failures.Enqueue($"{backend.Host.Name}: HTTP {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(ct)}");
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // The load stopped: not an answer of the instance's.
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            _failures.Enqueue($"{backend.Host.Name}: {e.GetType().Name}: {e.Message}");
        }
        return true;
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await Task.WhenAll(_checks);
        foreach (var backend in _backends.Values)
            backend.Client.Dispose();
        _stop.Dispose();
    }
}
