using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.Mvc.Testing.Handlers;
using Microsoft.Extensions.DependencyInjection;

namespace LastCall.TestSupport;

/// <summary>
/// The real host (Program) on Kestrel on a free loopback port, configured for one test database.
/// Tests talk to it over real HTTP.
/// </summary>
public sealed class TestHost : WebApplicationFactory<Program>
{
    private readonly IReadOnlyDictionary<string, string?> _settings;
    private readonly Action<IServiceCollection>? _services;

    private TestHost(IReadOnlyDictionary<string, string?> settings, Action<IServiceCollection>? services)
    {
        _settings = settings;
        _services = services;
    }

    /// <summary>Starts the host; <paramref name="services"/> may add to its services (e.g. a trace exporter).</summary>
    public static TestHost Start(IReadOnlyDictionary<string, string?> settings, Action<IServiceCollection>? services = null)
    {
        var host = new TestHost(settings, services);
        host.UseKestrel(0);
        host.StartServer();
        return host;
    }

    /// <summary>
    /// Waits until the host is ready (<see cref="Readiness"/>), as a load balancer would before sending traffic: just after
    /// start the instance may still be loading the register, and readiness rightly says no until then.
    /// </summary>
    public async Task WaitUntilReadyAsync()
    {
        using var http = CreateDefaultClient();
        var timeout = TimeSpan.FromSeconds(60);
        await Readiness.WaitAsync(http, timeout, last => $"The host was not ready within {timeout.TotalSeconds} s; it last answered {last}",
            ct: TestContext.Current.CancellationToken);
    }

    /// <summary>A client of the host whose every API answer is checked against the served OpenAPI document (<see cref="ContractCheck"/>).</summary>
    public new HttpClient CreateClient() => CreateClient(ClientOptions);

    /// <inheritdoc cref="CreateClient()"/>
    public new HttpClient CreateClient(WebApplicationFactoryClientOptions options)
    {
        // As the factory's own CreateClient(options) builds it, with the contract check outermost.
        var address = options.BaseAddress;
        using (var plain = base.CreateClient(options))
            address = plain.BaseAddress ?? address;
        var handlers = new List<DelegatingHandler> { new ContractCheck() };
        if (options.AllowAutoRedirect)
            handlers.Add(new RedirectHandler(options.MaxAutomaticRedirections));
        if (options.HandleCookies)
            handlers.Add(new CookieContainerHandler());
        return CreateDefaultClient(address, [.. handlers]);
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        foreach (var (key, value) in _settings)
            builder.UseSetting(key, value);
        if (_services is not null)
            builder.ConfigureServices(_services);
    }
}
