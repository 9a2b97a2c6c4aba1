using System.Diagnostics;
using System.Text;
using System.Text.RegularExpressions;

namespace LastCall.TestSupport;

/// <summary>
/// The real host (<c>dotnet lastcall.dll --urls http://127.0.0.1:0</c>) as a separate OS process, the way
/// an operator runs it: settings go in as environment variables (<c>Section__Key</c>), stdout and stderr are
/// kept in a buffer for diagnostics. It binds a port the system chooses and the address is read back from its
/// "Now listening on" line (a port chosen here and bound later could be taken by another process meanwhile).
/// <see cref="KillAsync"/> ends it with SIGKILL — no shutdown hooks, no flushing, no lease release: what a power
/// cut or the OOM killer does to an instance; <see cref="TerminateAsync"/> sends SIGTERM, as an orchestrator does.
/// </summary>
public sealed partial class HostProcess : IAsyncDisposable
{
    /// <summary>How a process killed by SIGKILL (signal 9) exits on Linux: 128 + 9.</summary>
    public const int SigkillExitCode = 128 + 9;

    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly Lock _outputGate = new();

    private readonly TaskCompletionSource<Uri> _listening = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private HostProcess(string name, Process process)
    {
        Name = name;
        _process = process;
    }

    public string Name { get; }

    /// <summary>The address the host bound (known once it has logged it; <see cref="StartAsync"/> waits for that).</summary>
    public Uri BaseAddress => _listening.Task.IsCompletedSuccessfully ? _listening.Task.Result : throw new InvalidOperationException($"Host {Name} is not listening yet.");

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

    /// <summary>
    /// How long a start may take before the test fails. A host process compiles its code as it starts; on two cores shared
    /// with the rest of the suite (and on a busy CI machine) that took over 60 s (CI runs failed with "did not listen
    /// within 60 s"). The waits end as soon as the host listens or is ready, so this only decides when a real failure is
    /// reported.
    /// </summary>
    public static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(240);

    /// <summary>Starts the host on a loopback port of the system's choosing and waits until <c>GET /health/ready</c> answers 200.</summary>
    public static async Task<HostProcess> StartAsync(string name, IReadOnlyDictionary<string, string?> settings, TimeSpan? readyTimeout = null)
    {
        var host = Launch(name, settings);
        try
        {
            await host.WaitUntilReadyAsync(readyTimeout ?? StartTimeout, TestContext.Current.CancellationToken);
        }
        catch
        {
            await host.DisposeAsync();
            throw;
        }
        return host;
    }

    /// <summary>Starts the host and returns as soon as it listens, before it is ready (readiness tests).</summary>
    public static async Task<HostProcess> StartListeningAsync(string name, IReadOnlyDictionary<string, string?> settings, TimeSpan? timeout = null)
    {
        var host = Launch(name, settings);
        try
        {
            await host.WaitUntilListeningAsync(timeout ?? StartTimeout, TestContext.Current.CancellationToken);
        }
        catch
        {
            await host.DisposeAsync();
            throw;
        }
        return host;
    }

    private static HostProcess Launch(string name, IReadOnlyDictionary<string, string?> settings)
    {
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
        start.ArgumentList.Add("http://127.0.0.1:0");
        start.Environment["DOTNET_ENVIRONMENT"] = "Testing";
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Testing";
        // As in the test process (tests/Directory.Build.props): a short-lived process gains nothing from dynamic PGO's instrumented tier.
        start.Environment["DOTNET_TieredPGO"] = "0";
        start.Environment.Remove("ASPNETCORE_URLS");
        start.Environment.Remove("ASPNETCORE_HTTP_PORTS");
        // Environment variables rather than --Key value pairs: values such as a PEM key contain newlines and begin with dashes.
        foreach (var (key, value) in settings)
            start.Environment[key.Replace(":", "__", StringComparison.Ordinal)] = value ?? "";
        // The bound address is read back from this category's "Now listening on" line, whatever the test's log levels.
        start.Environment["Logging__LogLevel__Microsoft.Hosting.Lifetime"] = "Information";

        var process = new Process { StartInfo = start, EnableRaisingEvents = true };
        var host = new HostProcess(name, process);
        process.OutputDataReceived += (_, e) => host.Append(e.Data);
        process.ErrorDataReceived += (_, e) => host.Append(e.Data);
        if (!process.Start())
            throw new InvalidOperationException("dotnet lastcall.dll did not start.");
        process.StandardInput.Close();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return host;
    }

    public HttpClient CreateClient() => new(new ContractCheck(new HttpClientHandler())) { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(30) };

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

    /// <summary>
    /// SIGTERM, as a container orchestrator or systemd sends it, and waits for the process to exit; returns its
    /// exit code (0 after a graceful shutdown).
    /// </summary>
    public async Task<int> TerminateAsync(TimeSpan? timeout = null)
    {
        await SignalAsync("TERM");
        using var wait = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(60));
        await _process.WaitForExitAsync(wait.Token);
        Append($"--- terminated, exit code {_process.ExitCode} ---");
        return _process.ExitCode;
    }

    /// <summary>SIGSTOP: the process stops where it is, mid-step or mid-transaction, until <see cref="ThawAsync"/>.</summary>
    public Task FreezeAsync() => SignalAsync("STOP");

    /// <summary>SIGCONT: a frozen process goes on as if nothing happened.</summary>
    public Task ThawAsync() => SignalAsync("CONT");

    private async Task SignalAsync(string signal)
    {
        using var kill = Process.Start("kill", ["-" + signal, _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        await kill.WaitForExitAsync();
    }

    private async Task WaitUntilListeningAsync(TimeSpan timeout, CancellationToken ct)
    {
        var exited = _process.WaitForExitAsync(ct);
        var first = await Task.WhenAny(_listening.Task, exited, Task.Delay(timeout, ct));
        if (first == _listening.Task)
            return;
        if (first == exited)
            throw new InvalidOperationException($"Host {Name} exited with code {_process.ExitCode} before it listened:\n{Output}");
        throw new TimeoutException($"Host {Name} did not listen within {timeout.TotalSeconds} s:\n{Output}");
    }

    private async Task WaitUntilReadyAsync(TimeSpan timeout, CancellationToken ct)
    {
        await WaitUntilListeningAsync(timeout, ct);
        using var http = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(5) };
        await Readiness.WaitAsync(http, timeout, _ => $"Host {Name} was not ready within {timeout.TotalSeconds} s:\n{Output}",
            () =>
            {
                if (_process.HasExited)
                    throw new InvalidOperationException($"Host {Name} exited with code {_process.ExitCode} before it was ready:\n{Output}");
            }, ct);
    }

    private void Append(string? line)
    {
        if (line is null)
            return;
        if (!_listening.Task.IsCompleted && ListeningLine().Match(line) is { Success: true } listening)
            _listening.TrySetResult(new Uri(listening.Groups[1].Value.TrimEnd('/') + "/"));
        lock (_outputGate)
            _output.Append('[').Append(Name).Append("] ").AppendLine(line);
    }

    /// <summary>ASP.NET Core's start-up line; the host is the only one in the process that writes it.</summary>
    [GeneratedRegex(@"Now listening on: (http://\S+)")]
    private static partial Regex ListeningLine();

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
