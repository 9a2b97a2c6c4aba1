using System.Text.Json;
using LastCall.BackendSimulators.Billing;
using LastCall.BackendSimulators.Network;
using LastCall.BackendSimulators.Wire;

namespace LastCall.BackendSimulators.State;

/// <summary>What survives a restart: accounts with their ledgers, subscriptions with their histories, and the first answer to every requestId.</summary>
public sealed record StateSnapshot(List<SimulatedAccount> Accounts, List<SimulatedSubscription> Subscriptions, Dictionary<string, StoredAnswer> Answers);

/// <summary>
/// Optional persistence (<c>Simulator:StateFile</c>): the whole state as one JSON file, rewritten after each
/// change through a temporary file so that a crash never leaves half a file.
/// </summary>
public sealed class StateFile(string path)
{
    public string Path { get; } = System.IO.Path.GetFullPath(path);

    public StateSnapshot? Load()
    {
        if (!File.Exists(Path))
            return null;
        using var stream = File.OpenRead(Path);
        return JsonSerializer.Deserialize<StateSnapshot>(stream, WireProtocol.Json);
    }

    public void Save(StateSnapshot snapshot)
    {
        if (System.IO.Path.GetDirectoryName(Path) is { Length: > 0 } directory)
            Directory.CreateDirectory(directory);
        var temporary = Path + ".tmp";
        File.WriteAllBytes(temporary, JsonSerializer.SerializeToUtf8Bytes(snapshot, WireProtocol.Json));
        File.Move(temporary, Path, overwrite: true);
    }
}
