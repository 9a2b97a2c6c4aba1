namespace LastCall.Cli;

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
