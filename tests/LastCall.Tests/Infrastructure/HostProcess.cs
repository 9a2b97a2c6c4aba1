using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace LastCall.Tests.Infrastructure;

/// <summary>
/// The real host (<c>dotnet lastcall.dll --urls http://127.0.0.1:{port}</c>) as a separate OS process, the way
/// an operator runs it: settings go in as environment variables (<c>Section__Key</c>), stdout and stderr are
/// kept in a buffer for diagnostics, and <see cref="Kill"/> ends it with SIGKILL — no shutdown hooks, no
/// flushing, no lease release: what a power cut or the OOM killer does to an instance.
/// </summary>
public sealed class HostProcess : IAsyncDisposable
{
    /// <summary>How a process killed by SIGKILL (signal 9) exits on Linux: 128 + 9.</summary>
    public const int SigkillExitCode = 128 + 9;

    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly Lock _outputGate = new();

    private HostProcess(string name, Process process, Uri baseAddress)
    {
        Name = name;
        _process = process;
        BaseAddress = baseAddress;
    }

    public string Name { get; }

    public Uri BaseAddress { get; }

    /// <summary>The operating-system process id; execution workers put it in their worker id (host:pid:random).</summary>
    public int Pid => _process.Id;

    public bool HasExited => _process.HasExited;

    /// <summary>Everything the process wrote to stdout and stderr so far, each line prefixed with the host's name.</summary>
    public string Output
    {
        get
        {
            lock (_outputGate)
                return _output.ToString();
        }
    }

    /// <summary>Starts the host on a free loopback port and waits until <c>GET /health/ready</c> answers 200.</summary>
    public static async Task<HostProcess> StartAsync(string name, IReadOnlyDictionary<string, string?> settings, TimeSpan? readyTimeout = null)
    {
        var ct = TestContext.Current.CancellationToken;
        var port = FreePort();
        var baseAddress = new Uri($"http://127.0.0.1:{port}/");
        var start = new ProcessStartInfo("dotnet")
        {
            // appsettings.json of the host is copied next to the tests; the database and data folder come from the settings.
            WorkingDirectory = AppContext.BaseDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "lastcall.dll"));
        start.ArgumentList.Add("--urls");
        start.ArgumentList.Add(baseAddress.ToString().TrimEnd('/'));
        start.Environment["DOTNET_ENVIRONMENT"] = "Testing";
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Testing";
        start.Environment.Remove("ASPNETCORE_URLS");
        start.Environment.Remove("ASPNETCORE_HTTP_PORTS");
        // Environment variables rather than --Key value pairs: values such as a PEM key contain newlines and begin with dashes.
        foreach (var (key, value) in settings)
            start.Environment[key.Replace(":", "__", StringComparison.Ordinal)] = value ?? "";

        var process = new Process { StartInfo = start, EnableRaisingEvents = true };
        var host = new HostProcess(name, process, baseAddress);
        process.OutputDataReceived += (_, e) => host.Append(e.Data);
        process.ErrorDataReceived += (_, e) => host.Append(e.Data);
        if (!process.Start())
            throw new InvalidOperationException("dotnet lastcall.dll did not start.");
        process.StandardInput.Close();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        try
        {
            await host.WaitUntilReadyAsync(readyTimeout ?? TimeSpan.FromSeconds(60), ct);
        }
        catch
        {
            await host.DisposeAsync();
            throw;
        }
        return host;
    }

    public HttpClient CreateClient() => new() { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(30) };

    /// <summary>
    /// SIGKILL: <see cref="Process.Kill(bool)"/> sends signal 9 on Unix (to every process of the tree). The exit
    /// code proves it: a process ended by a signal exits with 128 + the signal's number.
    /// </summary>
    public async Task<int> KillAsync()
    {
        _process.Kill(entireProcessTree: true);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await _process.WaitForExitAsync(timeout.Token);
        Append($"--- killed, exit code {_process.ExitCode} ---");
        return _process.ExitCode;
    }

    private async Task WaitUntilReadyAsync(TimeSpan timeout, CancellationToken ct)
    {
        using var http = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(5) };
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            if (_process.HasExited)
                throw new InvalidOperationException($"Host {Name} exited with code {_process.ExitCode} before it was ready:\n{Output}");
            try
            {
                using var response = await http.GetAsync("health/ready", ct);
                if (response.StatusCode == HttpStatusCode.OK)
                    return;
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            catch (TaskCanceledException) when (!ct.IsCancellationRequested)
            {
                // One probe timed out; try again.
            }
            await Task.Delay(100, ct);
        }
        throw new TimeoutException($"Host {Name} was not ready within {timeout.TotalSeconds} s:\n{Output}");
    }

    private void Append(string? line)
    {
        if (line is null)
            return;
        lock (_outputGate)
            _output.Append('[').Append(Name).Append("] ").AppendLine(line);
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited)
                await KillAsync();
        }
        catch (InvalidOperationException)
        {
            // Never started, or already gone.
        }
        _process.Dispose();
    }
}
