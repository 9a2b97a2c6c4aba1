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
    /// Waits until <c>GET /health/ready</c> answers 200, as a load balancer would before sending traffic: just after start
    /// the instance may still be loading the register, and readiness rightly says no until then.
    /// </summary>
    public async Task WaitUntilReadyAsync(TimeSpan? timeout = null)
    {
        using var http = CreateDefaultClient();
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(60));
        var last = "";
        while (DateTime.UtcNow < deadline)
        {
            using var response = await http.GetAsync("/health/ready", TestContext.Current.CancellationToken);
            if (response.StatusCode == System.Net.HttpStatusCode.OK)
                return;
            last = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
            await Task.Delay(100, TestContext.Current.CancellationToken);
        }
        throw new TimeoutException($"The host was not ready within {(timeout ?? TimeSpan.FromSeconds(60)).TotalSeconds} s; it last answered {last}");
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
