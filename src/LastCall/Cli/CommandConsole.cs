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

/// <summary>Writes a verb's log (warnings and above) to its <see cref="CommandConsole"/>'s output, as the console logger would.</summary>
internal sealed class CommandConsoleLoggerProvider(TextWriter output) : ILoggerProvider
{
    public ILogger CreateLogger(string categoryName) => new CommandConsoleLogger(output, categoryName);

    public void Dispose()
    {
    }

    private sealed class CommandConsoleLogger(TextWriter output, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Warning;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (!IsEnabled(logLevel))
                return;
            var level = logLevel switch { LogLevel.Warning => "warn", LogLevel.Error => "fail", _ => "crit" };
            output.WriteLine($"{level}: {category}[{eventId.Id}]{Environment.NewLine}      {formatter(state, exception)}");
            if (exception is not null)
                output.WriteLine(exception.ToString());
        }
    }
}
