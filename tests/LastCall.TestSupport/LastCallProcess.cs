using System.Diagnostics;

namespace LastCall.TestSupport;

/// <summary>Runs the real <c>lastcall</c> executable in its own process, as an operator would.</summary>
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
}
