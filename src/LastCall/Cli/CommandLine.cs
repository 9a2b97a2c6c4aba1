using LastCall.Hosting;

namespace LastCall.Cli;

/// <summary>
/// The operator's verbs (API.md, Command line). Each verb builds the same host as the server — same
/// configuration, same services — prepares the database, does its work and exits: 0 on success,
/// 1 on failure, 2 on a usage error; verbs may define more (see each).
/// </summary>
public static class CommandLine
{
    public const int Ok = 0;
    public const int Failure = 1;
    public const int Usage = 2;

    private const string UsageText = """
        usage: lastcall [serve] [--urls URLS]          run the server (the default)
               lastcall migrate                        apply pending database migrations
               lastcall import subscribers FILE.csv    import subscribers (format in API.md)
               lastcall import disconnections FILE.csv [--report]
                                                       load a legacy disconnection register (msisdn,disconnected_on);
                                                       --report: file its entries in regulator reports too
               lastcall staff add --username NAME --roles ROLE[,ROLE] [--store STORE]
                                                       create a staff account; the password is read from stdin
               lastcall partners add --name NAME [--scope bss|porting]
                                                       create a partner and print its API key once
                                                       (--scope bss: a BSS client of the TM Forum APIs only;
                                                       --scope porting: another operator's porting system, port-outs only)
               lastcall reports disconnections --period yyyy-MM --profile generic|fcc-rnd --format csv|xlsx --out DIR
                                                       file the month's regulator report of permanent disconnections
                                                       and copy its files into DIR (exit 3: already filed)
               lastcall audit verify                   check the audit chain; exit 1 at the first broken entry
               lastcall keys rotate [--batch-size N]   re-seal everything under the current Security:MasterKey, online and
                                                       resumable (N rows per transaction, default 500); exit 3: run again
               lastcall keys status                    rows still under previous keys; exit 0 when they can be removed, else 3
               lastcall backup FILE [--force]          copy the SQLite database to FILE while the server runs
                                                       (PostgreSQL: pg_dump, see docs/operations.md)

        Every verb reads the same configuration as the server (appsettings.json, environment
        variables such as Database__Provider, and --Key value options).
        """;

    /// <summary>True when the arguments name a verb other than serving.</summary>
    public static bool IsVerb(string[] args) => args.Length > 0 && !args[0].StartsWith('-') && args[0] != "serve";

    public static Task<int> RunAsync(string[] args) => RunAsync(args, CommandConsole.OfProcess());

    public static async Task<int> RunAsync(string[] args, CommandConsole console)
    {
        var positional = args.TakeWhile(a => !a.StartsWith("--", StringComparison.Ordinal)).ToArray();
        var options = args[positional.Length..];
        var named = NamedOptions(options);
        Auditing.CurrentActor.OutsideRequestChannel.Value = "cli";
        try
        {
            return positional switch
            {
                ["migrate"] => await MigrateCommand.RunAsync(BuildHost(options, console)),
                ["import", "subscribers", var file] => await ImportSubscribersCommand.RunAsync(BuildHost(options, console), file),
                // --report is a flag too (see --force below).
                ["import", "disconnections", var file] => await ImportDisconnectionsCommand.RunAsync(BuildHost([.. options.Where(o => o != "--report")], console), file, report: options.Contains("--report")),
                ["staff", "add"] => await StaffAddCommand.RunAsync(BuildHost(options, console), named),
                ["partners", "add"] => await PartnersAddCommand.RunAsync(BuildHost(options, console), named),
                ["reports", "disconnections"] => await ReportsDisconnectionsCommand.RunAsync(BuildHost(options, console), named),
                ["audit", "verify"] => await AuditVerifyCommand.RunAsync(BuildHost(options, console)),
                ["keys", "rotate"] => await KeysRotateCommand.RunAsync(BuildHost(options, console), named),
                ["keys", "status"] => await KeysStatusCommand.RunAsync(BuildHost(options, console)),
                // --force is a flag, not configuration: left in, it would take the next option's name as its value.
                ["backup", var file] => await BackupCommand.RunAsync(BuildHost([.. options.Where(o => o != "--force")], console), file, force: options.Contains("--force")),
                ["help"] or ["--help"] => PrintUsage(console.Out, Ok),
                _ => PrintUsage(console.Error, Usage),
            };
        }
#pragma warning disable CA1031 // The command line reports every failure as a message and exit code, not a stack trace.
        catch (Exception ex) when (ex is InvalidOperationException or IOException or UnauthorizedAccessException or Microsoft.EntityFrameworkCore.DbUpdateException or System.Data.Common.DbException
            or Microsoft.Extensions.Options.OptionsValidationException)
#pragma warning restore CA1031
        {
            await console.Error.WriteLineAsync($"lastcall: {ex.Message}");
            return Failure;
        }
    }

    /// <summary>--name value pairs, keyed without the dashes (lower case); configuration keys pass through too.</summary>
    private static Dictionary<string, string> NamedOptions(string[] options)
    {
        var named = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < options.Length; i++)
        {
            if (!options[i].StartsWith("--", StringComparison.Ordinal))
                continue;
            var option = options[i][2..];
            var equals = option.IndexOf('=', StringComparison.Ordinal);
            if (equals > 0)
                named[option[..equals]] = option[(equals + 1)..];
            else if (i + 1 < options.Length && !options[i + 1].StartsWith("--", StringComparison.Ordinal))
                named[option] = options[++i];
        }
        return named;
    }

    private static WebApplication BuildHost(string[] options, CommandConsole console)
    {
        // A verb reads its settings once: no watcher on the working directory for changes to appsettings.json. The watcher
        // watches the whole tree under the current directory, and a verb run beside a busy data folder (a PostgreSQL cluster,
        // an import's files) spent about 3 % of its CPU reading the events of files it never looks at.
        var builder = WebApplication.CreateBuilder([.. options, "--hostBuilder:reloadConfigOnChange=false"]);
        // Commands talk to the operator on stdout/stderr; only warnings go to the log.
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        if (!console.IsProcessConsole)
        {
            builder.Logging.ClearProviders();
            builder.Logging.AddProvider(new CommandConsoleLoggerProvider(console.Out));
        }
        builder.Services.AddSingleton(console);
        builder.AddLastCall();
        return builder.Build();
    }

    private static int PrintUsage(TextWriter writer, int exitCode)
    {
        writer.WriteLine(UsageText);
        return exitCode;
    }
}
