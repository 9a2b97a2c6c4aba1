namespace LastCall.Cli;

/// <summary>
/// Where a verb reads its input and writes its answers and warnings: the process's console when an operator runs
/// <c>lastcall</c>, or writers of their own when a test runs a verb inside its process (a cold process costs seconds
/// of CPU, docs/benchmarks.md). Verbs resolve it from their host instead of using <see cref="Console"/>.
/// </summary>
public sealed record CommandConsole(TextReader In, TextWriter Out, TextWriter Error, bool InputRedirected, bool ErrorRedirected)
{
    public static CommandConsole OfProcess() =>
        new(Console.In, Console.Out, Console.Error, Console.IsInputRedirected, Console.IsErrorRedirected) { IsProcessConsole = true };

    /// <summary>True for the process's own console, whose log output the standard console logger writes.</summary>
    public bool IsProcessConsole { get; private init; }
}
