namespace LastCall.BackendSimulators;

/// <summary>
/// Standalone process: <c>dotnet run --project src/LastCall.BackendSimulators -- --urls http://127.0.0.1:5082</c>.
/// Lives in a namespace so that a host referencing this project keeps its own global <c>Program</c>.
/// </summary>
internal static class Program
{
    public static async Task Main(string[] args) => await BackendSimulatorsApp.Build(args).RunAsync();
}
