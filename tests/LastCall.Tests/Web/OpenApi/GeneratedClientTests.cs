using System.Diagnostics;
using System.Net.Http.Headers;
using System.Reflection;
using System.Runtime.Loader;
using LastCall.Data;
using LastCall.TestSupport;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace LastCall.Tests.Web.OpenApi;

/// <summary>
/// A client generated from the served document by a stock generator drives the main flows (issue 14). At test time the
/// document is fetched from the host, Kiota (the repository's dotnet tool, .config/dotnet-tools.json) generates a C#
/// client from it into a temporary folder, and Roslyn compiles it together with GeneratedClient/Flow.cs, which is
/// written against the generated client and its models only. Generating at test time rather than at build time keeps
/// the client honest: it is made from the document the running host serves, never from a copy checked in beside it.
/// Every call also passes <see cref="ContractCheck"/>.
/// </summary>
public sealed class GeneratedClientTests(PostgresCluster postgres)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task GeneratedClient_DrivesTheMainFlows()
    {
        await using var scenario = await Scenario.StartAsync(postgres, DatabaseProvider.Sqlite, s => s["Webhooks:AllowedHosts"] = "127.0.0.1:9");
        var folder = Directory.CreateTempSubdirectory("lastcall-client-");
        try
        {
            var document = Path.Combine(folder.FullName, "openapi.json");
            await File.WriteAllTextAsync(document, await scenario.Anonymous.GetStringAsync("/openapi/v1.json", Ct), Ct);
            var output = Path.Combine(folder.FullName, "client");
            await RunAsync("dotnet", ["tool", "restore"]);
            await RunAsync("dotnet", ["kiota", "generate", "--language", "CSharp", "--openapi", document, "--output", output,
                "--namespace-name", "LastCall.Client", "--class-name", "LastCallClient", "--exclude-backward-compatible", "--log-level", "Warning"]);

            var flow = Compile([.. Directory.EnumerateFiles(output, "*.cs", SearchOption.AllDirectories), Path.Combine(AppContext.BaseDirectory, "Web", "OpenApi", "GeneratedClient", "Flow.cs")]);
            var context = new AssemblyLoadContext("generated-client", isCollectible: true);
            try
            {
                var assembly = context.LoadFromStream(new MemoryStream(flow));
                var run = assembly.GetType("LastCall.Tests.GeneratedFlow.Flow")!.GetMethod("RunAsync", BindingFlags.Public | BindingFlags.Static)!;
                HttpClient Http(string? bearer)
                {
                    var client = scenario.Host.CreateClient();
                    if (bearer is not null)
                        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
                    return client;
                }
                var given = new Dictionary<string, string>
                {
                    ["customerMsisdn"] = scenario.CustomerA.Msisdn,
                    ["customerPassword"] = scenario.CustomerA.Password,
                    ["documentBase64"] = Convert.ToBase64String(TestDocuments.Png),
                    ["staffPassword"] = Scenario.StaffPassword,
                    ["storeMsisdn"] = scenario.CustomerB.Msisdn,
                    ["storeIdNumber"] = scenario.CustomerB.IdNumber,
                    ["lookupMsisdn"] = scenario.CustomerASecondLine.Msisdn,
                    ["webhookUrl"] = "http://127.0.0.1:9/lastcall-hooks",
                };
                var seen = await (Task<IReadOnlyDictionary<string, string>>)run.Invoke(null, [(Func<string?, HttpClient>)Http, given, Ct])!;

                Assert.Equal("True", seen["precheck.eligible"]);
                Assert.Equal("image/png", seen["document.contentType"]);
                Assert.Equal(("under_review", "online"), (seen["submit.status"], seen["submit.channel"]));
                Assert.Equal("approved", seen["approve.status"]);
                Assert.Equal(("scheduled", "store"), (seen["store.status"], seen["store.channel"]));
                Assert.Equal("no", seen["single.result"]);
                Assert.Equal("no,no_data", seen["batch.results"]);
                Assert.Equal("False", seen["camara.phoneNumberRecycled"]);
                Assert.Equal("whsec_", seen["webhook.secretPrefix"]);
            }
            finally
            {
                context.Unload();
            }
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    /// <summary>Runs a command in the repository (where the tool manifest is); fails the test with its output when it fails.</summary>
    private static async Task RunAsync(string command, string[] arguments)
    {
        var start = new ProcessStartInfo(command) { WorkingDirectory = Repository.Root(), RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
            start.ArgumentList.Add(argument);
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync(Ct);
        var stderr = process.StandardError.ReadToEndAsync(Ct);
        await process.WaitForExitAsync(Ct);
        Assert.True(process.ExitCode == 0, $"{command} {string.Join(' ', arguments)} exited {process.ExitCode}:\n{await stdout}\n{await stderr}");
    }

    /// <summary>Compiles the sources against the framework and the Kiota libraries the test project carries; fails with the compiler's errors.</summary>
    private static byte[] Compile(IEnumerable<string> files)
    {
        var parse = new CSharpParseOptions(LanguageVersion.Latest, preprocessorSymbols: ["NET", "NET10_0_OR_GREATER", "NET8_0_OR_GREATER", "NET5_0_OR_GREATER", "NETCOREAPP", "NETCOREAPP3_1_OR_GREATER"]);
        var trees = files.Select(f => CSharpSyntaxTree.ParseText(File.ReadAllText(f), parse, f)).ToList();
        var framework = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator);
        var kiota = Directory.EnumerateFiles(AppContext.BaseDirectory, "*.dll")
            .Where(f => Path.GetFileName(f).StartsWith("Microsoft.Kiota.", StringComparison.Ordinal) || Path.GetFileName(f).StartsWith("Std.UriTemplate", StringComparison.Ordinal));
        var references = framework.Concat(kiota).Distinct().Select(f => MetadataReference.CreateFromFile(f));
        var compilation = CSharpCompilation.Create("LastCall.GeneratedClient", trees, references,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));
        using var image = new MemoryStream();
        var emitted = compilation.Emit(image);
        var errors = emitted.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error).Take(20).ToList();
        Assert.True(emitted.Success, "The generated client does not compile:\n" + string.Join("\n", errors));
        return image.ToArray();
    }
}
