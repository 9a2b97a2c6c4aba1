using System.Security.Claims;
using LastCall.Domain.Audit;
using LastCall.Security;

namespace LastCall.Auditing;

/// <summary>Who is acting in this request (from the signed-in principal), or the system outside requests.</summary>
public sealed class CurrentActor(IHttpContextAccessor http)
{
    /// <summary>The channel recorded for work outside requests: "system" in the server, "cli" in a command.</summary>
    public static readonly AsyncLocal<string?> OutsideRequestChannel = new();

    public Actor Get()
    {
        var context = http.HttpContext;
        if (context is null)
            return Actor.System(OutsideRequestChannel.Value ?? "system");
        var address = context.Connection.RemoteIpAddress?.ToString();
        var user = context.User;
        return user.FindFirstValue(Claims.Kind) switch
        {
            Claims.CustomerKind => new Actor(ActorType.Customer, user.FindFirstValue(Claims.Subject), null, "online", null, address),
            Claims.StaffKind => new Actor(ActorType.Staff, user.FindFirstValue(Claims.Subject), user.FindFirstValue(Claims.Name), StaffChannel(user), user.FindFirstValue(Claims.Store), address),
            Claims.PartnerKind => new Actor(ActorType.Partner, user.FindFirstValue(Claims.Subject), user.FindFirstValue(Claims.Name), "partner_api", null, address),
            _ => new Actor(ActorType.System, null, null, "online", null, address),
        };
    }

    /// <summary>A short, stable name for the principal, as kept on records: <c>customer:ID</c>, <c>staff:NAME</c>, <c>partner:ID</c>.</summary>
    public static string Describe(ClaimsPrincipal user) => user.FindFirstValue(Claims.Kind) switch
    {
        Claims.CustomerKind => "customer:" + user.FindFirstValue(Claims.Subject),
        Claims.StaffKind => "staff:" + user.FindFirstValue(Claims.Name),
        Claims.PartnerKind => "partner:" + user.FindFirstValue(Claims.Subject),
        _ => "system",
    };

    /// <summary>A clerk acts in a store, an agent in the call centre, everyone else in the back office.</summary>
    private static string StaffChannel(ClaimsPrincipal user) =>
        user.IsInRole(Domain.Identity.StaffRoles.Clerk) ? "store"
        : user.IsInRole(Domain.Identity.StaffRoles.Agent) ? "call_centre"
        : "back_office";
}
