using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace LastCall.Tests.Infrastructure;

/// <summary>
/// The real host (Program) on Kestrel on a free loopback port, configured for one test database.
/// Tests talk to it over real HTTP.
/// </summary>
public sealed class TestHost : WebApplicationFactory<Program>
{
    private readonly IReadOnlyDictionary<string, string?> _settings;

    private TestHost(IReadOnlyDictionary<string, string?> settings) => _settings = settings;

    public static TestHost Start(IReadOnlyDictionary<string, string?> settings)
    {
        var host = new TestHost(settings);
        host.UseKestrel(0);
        host.StartServer();
        return host;
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        foreach (var (key, value) in _settings)
            builder.UseSetting(key, value);
    }
}
