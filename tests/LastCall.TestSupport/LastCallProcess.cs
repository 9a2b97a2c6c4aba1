using System.Diagnostics;
using LastCall.Cli;

namespace LastCall.TestSupport;

/// <summary>
/// Runs a <c>lastcall</c> verb: in its own process, as an operator would (<see cref="RunAsync(string, string?, string[])"/>),
/// or inside the test process (<see cref="RunInProcessAsync"/>), where it skips the 2 s of CPU a cold process costs.
/// </summary>
public static class LastCallProcess
{
    public sealed record Result(int ExitCode, string Output, string Error);

    public static Task<Result> RunAsync(string workingDirectory, params string[] arguments) =>
        RunAsync(workingDirectory, standardInput: null, arguments);

    public static async Task<Result> RunAsync(string workingDirectory, string? standardInput, params string[] arguments)
    {
        var ct = TestContext.Current.CancellationToken;
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "lastcall.dll"));
        foreach (var argument in arguments)
            start.ArgumentList.Add(argument);
        start.Environment["DOTNET_ENVIRONMENT"] = "Testing";
        // As in the test process (tests/Directory.Build.props): a short-lived process gains nothing from dynamic PGO's instrumented tier.
        start.Environment["DOTNET_TieredPGO"] = "0";
        using var process = Process.Start(start)!;
        if (standardInput is not null)
            await process.StandardInput.WriteLineAsync(standardInput.AsMemory(), ct);
        process.StandardInput.Close();
        var output = process.StandardOutput.ReadToEndAsync(ct);
        var error = process.StandardError.ReadToEndAsync(ct);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(TimeSpan.FromMinutes(2));
        await process.WaitForExitAsync(timeout.Token);
        return new Result(process.ExitCode, await output, await error);
    }

    /// <summary>
    /// The same verb through the same entry point (<see cref="CommandLine.RunAsync(string[], CommandConsole)"/>), inside
    /// this process: its standard input, output and log are strings here, its content root is
    /// <paramref name="workingDirectory"/> as the process's would be, and its environment is <c>Testing</c>. For tests
    /// whose subject is what a verb does; the process itself (exit status, the console, the default data folder) is
    /// <c>CommandLineTests</c>'s subject.
    /// </summary>
    public static async Task<Result> RunInProcessAsync(string workingDirectory, string? standardInput, params string[] arguments)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var console = new CommandConsole(new StringReader(standardInput is null ? "" : standardInput + "\n"),
            TextWriter.Synchronized(output), TextWriter.Synchronized(error), InputRedirected: true, ErrorRedirected: true);
        var exitCode = await CommandLine.RunAsync([.. arguments, "--contentRoot", workingDirectory, "--environment", "Testing"], console);
        return new Result(exitCode, output.ToString(), error.ToString());
    }
}
