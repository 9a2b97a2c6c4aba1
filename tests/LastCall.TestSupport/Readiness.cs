using System.Net;

namespace LastCall.TestSupport;

/// <summary>Waiting for an instance the way a load balancer does: <c>GET /health/ready</c> until it answers 200.</summary>
public static class Readiness
{
    /// <summary>
    /// Polls readiness every 100 ms until it answers 200. A refused connection (not listening yet) or a probe slower than
    /// the client's timeout counts as not ready; the deadline decides. <paramref name="beforeEachProbe"/> may throw to stop
    /// early (a host process that exited). After <paramref name="timeout"/>, throws a <see cref="TimeoutException"/> whose
    /// message is <paramref name="failure"/> of the last answer's body (empty when there was none).
    /// </summary>
    public static async Task WaitAsync(HttpClient http, TimeSpan timeout, Func<string, string> failure, Action? beforeEachProbe = null, CancellationToken ct = default)
    {
        var deadline = DateTime.UtcNow + timeout;
        var last = "";
        while (DateTime.UtcNow < deadline)
        {
            beforeEachProbe?.Invoke();
            try
            {
                using var response = await http.GetAsync("health/ready", ct);
                if (response.StatusCode == HttpStatusCode.OK)
                    return;
                last = await response.Content.ReadAsStringAsync(ct);
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            catch (TaskCanceledException) when (!ct.IsCancellationRequested)
            {
                // One probe timed out (the host or its database is busy starting); try again.
            }
            await Task.Delay(100, ct);
        }
        throw new TimeoutException(failure(last));
    }
}
