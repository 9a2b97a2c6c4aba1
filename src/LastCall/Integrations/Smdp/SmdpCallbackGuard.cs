using System.Net;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;

namespace LastCall.Integrations.Smdp;

/// <summary>
/// Who may post SM-DP+ notifications: with <c>Smdp:CallbackToken</c> set, callers sending it as a
/// bearer token (put the SM-DP+ link behind mutual TLS as well); without it, only this machine
/// (the embedded simulator). Anyone else gets 401 and nothing is changed.
/// </summary>
public sealed class SmdpCallbackGuard(IOptions<SmdpOptions> options) : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        var token = options.Value.CallbackToken;
        var allowed = string.IsNullOrEmpty(token)
            ? http.Connection.RemoteIpAddress is { } address && IPAddress.IsLoopback(address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address)
            : CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(http.Request.Headers.Authorization.ToString()), Encoding.UTF8.GetBytes("Bearer " + token));
        return allowed ? await next(context) : Results.Unauthorized();
    }
}
