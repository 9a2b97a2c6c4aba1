using System.Net;
using Microsoft.AspNetCore.HttpOverrides;

namespace LastCall.Hosting;

/// <summary>
/// Behind a load balancer every request comes from the balancer's address, which would make the per-address
/// sign-in throttle lock everyone at once and put one address in every audit event. With
/// <c>ReverseProxy:KnownProxies</c> (addresses) or <c>ReverseProxy:KnownNetworks</c> (CIDR) set, the client
/// address and scheme are taken from X-Forwarded-For / X-Forwarded-Proto sent by those proxies only.
/// </summary>
public static class ForwardedHeadersSetup
{
    public static void UseLastCallForwardedHeaders(this WebApplication app)
    {
        var section = app.Configuration.GetSection("ReverseProxy");
        var proxies = section.GetSection("KnownProxies").Get<string[]>() ?? [];
        var networks = section.GetSection("KnownNetworks").Get<string[]>() ?? [];
        if (proxies.Length == 0 && networks.Length == 0)
            return;

        var options = new ForwardedHeadersOptions { ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto, ForwardLimit = 1 };
        options.KnownProxies.Clear();
        options.KnownIPNetworks.Clear();
        foreach (var proxy in proxies)
            options.KnownProxies.Add(IPAddress.Parse(proxy));
        foreach (var network in networks)
            options.KnownIPNetworks.Add(System.Net.IPNetwork.Parse(network));
        app.UseForwardedHeaders(options);
    }
}
