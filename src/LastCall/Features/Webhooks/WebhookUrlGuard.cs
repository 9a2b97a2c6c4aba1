using System.Globalization;
using System.Net;
using System.Net.Sockets;
using LastCall.Domain.Common;
using LastCall.Domain.Partners;

namespace LastCall.Features.Webhooks;

/// <summary>
/// Keeps webhooks from reaching inside the operator's network (SSRF). A URL must be absolute https
/// (http only for allow-listed hosts or in Development), without credentials, and every address its
/// host resolves to must be public: loopback, RFC 1918, CGNAT 100.64/10, link-local (cloud metadata
/// 169.254.169.254), unique-local fc00::/7, fe80::/10, unspecified, multicast and reserved ranges are
/// refused. The same check runs again when the connection is made (<see cref="ConnectAsync"/>), so a
/// name that resolves differently later (DNS rebinding) cannot slip through. <c>Webhooks:AllowedHosts</c>
/// lists the hosts (optionally with port) exempt from the address check: local receivers in
/// development and tests.
/// </summary>
public sealed class WebhookUrlGuard(WebhookSettings settings)
{
    public const string InvalidUrl = "invalid_webhook_url";
    public const string NotAllowed = "webhook_url_not_allowed";

    /// <summary>Checks a URL a partner registers; the normalised URL, or why not.</summary>
    public async Task<Result<Uri>> CheckAsync(string? url, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(url) || url.Length > WebhookEndpoint.MaxUrlLength || !Uri.TryCreate(url.Trim(), UriKind.Absolute, out var uri))
            return Result<Uri>.Failure(InvalidUrl, "The webhook URL must be an absolute https URL.");
        if (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp)
            return Result<Uri>.Failure(InvalidUrl, "The webhook URL must be an https URL.");
        if (!string.IsNullOrEmpty(uri.UserInfo) || !string.IsNullOrEmpty(uri.Fragment))
            return Result<Uri>.Failure(InvalidUrl, "The webhook URL must not carry credentials or a fragment.");
        var allowListed = IsAllowListed(uri.IdnHost, uri.Port);
        if (uri.Scheme == Uri.UriSchemeHttp && !allowListed && !settings.AllowHttp)
            return Result<Uri>.Failure(InvalidUrl, "The webhook URL must use https.");
        if (allowListed)
            return uri;

        IPAddress[] addresses;
        try
        {
            addresses = await ResolveAsync(uri.IdnHost, ct);
        }
        catch (SocketException)
        {
            return Result<Uri>.Failure(InvalidUrl, "The webhook URL's host does not resolve.");
        }
        if (addresses.Length == 0)
            return Result<Uri>.Failure(InvalidUrl, "The webhook URL's host does not resolve.");
        if (addresses.Any(IsForbidden))
            return Fail.Unprocessable(NotAllowed, "The webhook URL points at a private, loopback, link-local or otherwise internal address.");
        return uri;
    }

    /// <summary>
    /// The connect callback of the webhook HTTP handler: resolves the host again and connects only
    /// when every address is public (or the host is allow-listed).
    /// </summary>
    public async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, CancellationToken ct)
    {
        var endpoint = context.DnsEndPoint;
        var addresses = await ResolveAsync(endpoint.Host, ct);
        if (!IsAllowListed(endpoint.Host, endpoint.Port) && (addresses.Length == 0 || addresses.Any(IsForbidden)))
            throw new HttpRequestException($"{NotAllowed}: the webhook host resolves to an address that is not allowed.");

        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(addresses, endpoint.Port, ct);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    public bool IsAllowListed(string host, int port)
    {
        var bare = host.Trim('[', ']').ToLowerInvariant();
        var display = bare.Contains(':', StringComparison.Ordinal) ? $"[{bare}]" : bare;
        var withPort = display + ":" + port.ToString(CultureInfo.InvariantCulture);
        return settings.AllowedHosts.Any(a => a == bare || a == display || a == withPort);
    }

    private static async Task<IPAddress[]> ResolveAsync(string host, CancellationToken ct)
    {
        var bare = host.Trim('[', ']');
        return IPAddress.TryParse(bare, out var literal) ? [literal] : await Dns.GetHostAddressesAsync(bare, ct);
    }

    /// <summary>True for every address a webhook must never reach.</summary>
    public static bool IsForbidden(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6)
            address = address.MapToIPv4();
        if (address.AddressFamily == AddressFamily.InterNetwork)
        {
            var b = address.GetAddressBytes();
            return b[0] switch
            {
                0 => true,                                  // "this network", 0.0.0.0
                10 => true,                                 // RFC 1918
                100 => b[1] is >= 64 and < 128,             // CGNAT 100.64/10
                127 => true,                                // loopback
                169 => b[1] == 254,                         // link-local, cloud metadata 169.254.169.254
                172 => b[1] is >= 16 and < 32,              // RFC 1918
                192 => b[1] == 168 || (b[1] == 0 && b[2] is 0 or 2) || (b[1] == 88 && b[2] == 99), // RFC 1918, IETF, TEST-NET-1, 6to4 relay
                198 => b[1] is 18 or 19 || (b[1] == 51 && b[2] == 100), // benchmarking, TEST-NET-2
                203 => b[1] == 0 && b[2] == 113,            // TEST-NET-3
                >= 224 => true,                             // multicast, reserved, broadcast
                _ => false,
            };
        }
        if (address.AddressFamily == AddressFamily.InterNetworkV6)
        {
            if (IPAddress.IPv6Loopback.Equals(address) || IPAddress.IPv6None.Equals(address) || address.IsIPv6LinkLocal || address.IsIPv6SiteLocal || address.IsIPv6Multicast)
                return true;
            var b = address.GetAddressBytes();
            if ((b[0] & 0xFE) == 0xFC)                      // unique local fc00::/7
                return true;
            if (b[0] == 0x20 && b[1] == 0x01 && b[2] == 0x0D && b[3] == 0xB8) // documentation 2001:db8::/32
                return true;
            if (b[0] == 0x00 && b[1] == 0x64 && b[2] == 0xFF && b[3] == 0x9B) // NAT64 64:ff9b::/96: judge the embedded IPv4 address
                return IsForbidden(new IPAddress(b.AsSpan(12, 4)));
            return b.Take(10).All(x => x == 0) && ((b[10] == 0 && b[11] == 0) || (b[10] == 0xFF && b[11] == 0xFF)); // ::/96 compatible and unmapped forms
        }
        return true;
    }
}
