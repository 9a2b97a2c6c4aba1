using System.Security.Claims;
using LastCall.Security;
using Microsoft.AspNetCore.Http.HttpResults;

namespace LastCall.Features.PartnerApi;

/// <summary>GET /api/v1/partner/me: which partner an API key belongs to (for checking a key works).</summary>
public static class WhoAmI
{
    public sealed record Response(Guid Id, string Name);

    public static void Map(RouteGroupBuilder partner) =>
        partner.MapGet("/me", (HttpContext http) => TypedResults.Ok(new Response(http.User.SubjectId(), http.User.FindFirstValue(Claims.Name)!)))
            .WithSummary("The partner the API key belongs to.");
}
