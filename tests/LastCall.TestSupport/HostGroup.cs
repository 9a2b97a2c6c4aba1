namespace LastCall.TestSupport;

/// <summary>
/// The host processes of one test: started through the group, their output at hand for failure messages
/// (<see cref="Diagnostics"/>), and, when the group is disposed, written to the test's output (the runner shows it
/// for failed tests) and ended.
/// </summary>
public sealed class HostGroup : IAsyncDisposable
{
    private readonly List<HostProcess> _hosts = [];
    private readonly Lock _gate = new();

    public async Task<HostProcess> StartAsync(string name, IReadOnlyDictionary<string, string?> settings) =>
        Add(await HostProcess.StartAsync(name, settings));

    /// <summary>Returns once the host listens, before it is ready.</summary>
    public async Task<HostProcess> StartListeningAsync(string name, IReadOnlyDictionary<string, string?> settings) =>
        Add(await HostProcess.StartListeningAsync(name, settings));

    /// <summary>Everything every host wrote so far.</summary>
    public string Diagnostics()
    {
        lock (_gate)
            return string.Join('\n', _hosts.Select(h => h.Output));
    }

    private HostProcess Add(HostProcess host)
    {
        lock (_gate)
            _hosts.Add(host);
        return host;
    }

    public async ValueTask DisposeAsync()
    {
        TestContext.Current.TestOutputHelper?.WriteLine(Diagnostics());
        foreach (var host in _hosts)
            await host.DisposeAsync();
    }
}
