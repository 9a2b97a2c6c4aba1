using System.Security.Claims;
using LastCall.Domain.Customers;
using LastCall.Domain.Identity;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace LastCall.Security;

/// <summary>
/// Issues and describes the signed access tokens (JWT, HMAC-SHA256 with a key derived from the master
/// key). Customer tokens live 15 minutes, staff tokens 60. Each carries the account's security stamp,
/// checked on every request, so a password change or an ownership transfer ends older tokens at once.
/// Tokens are signed under the current master key and accepted under any configured one, so sessions survive
/// the instances of a key rotation being restarted one by one.
/// </summary>
public sealed class AccessTokens(KeyRing keys, TimeProvider clock)
{
    public const string Issuer = "lastcall";
    public const string Audience = "lastcall-api";
    public static readonly TimeSpan CustomerLifetime = TimeSpan.FromMinutes(15);
    public static readonly TimeSpan StaffLifetime = TimeSpan.FromMinutes(60);

    private readonly SymmetricSecurityKey _key = new(keys.Derive("access-token-signing/v1"));
    private readonly SymmetricSecurityKey[] _acceptedKeys = [.. keys.DeriveAll("access-token-signing/v1").Select(k => new SymmetricSecurityKey(k.Bytes))];

    public TokenValidationParameters ValidationParameters => new()
    {
        ValidIssuer = Issuer,
        ValidAudience = Audience,
        IssuerSigningKeys = _acceptedKeys,
        ValidAlgorithms = [SecurityAlgorithms.HmacSha256],
        ClockSkew = TimeSpan.FromSeconds(30),
        NameClaimType = Claims.Name,
        RoleClaimType = Claims.Role,
    };

    public (string Token, DateTimeOffset ExpiresAt) ForCustomer(Customer customer) => Issue(CustomerLifetime, CustomerClaims(customer));

    public (string Token, DateTimeOffset ExpiresAt) ForStaff(StaffMember staff) => Issue(StaffLifetime, StaffClaims(staff));

    /// <summary>What a customer's session says about them: the same claims in access tokens and web cookies.</summary>
    public static Dictionary<string, object> CustomerClaims(Customer customer) => new()
    {
        [Claims.Subject] = customer.Id.ToString(),
        [Claims.Kind] = Claims.CustomerKind,
        [Claims.Stamp] = customer.SecurityStamp,
    };

    /// <summary>What a staff member's session says about them: the same claims in access tokens and web cookies.</summary>
    public static Dictionary<string, object> StaffClaims(StaffMember staff)
    {
        var claims = new Dictionary<string, object>
        {
            [Claims.Subject] = staff.Id.ToString(),
            [Claims.Kind] = Claims.StaffKind,
            [Claims.Name] = staff.Username,
            [Claims.Role] = staff.Roles.ToArray(),
            [Claims.Stamp] = staff.SecurityStamp,
        };
        if (staff.StoreId is not null)
            claims[Claims.Store] = staff.StoreId;
        return claims;
    }

    /// <summary>A principal of <paramref name="scheme"/> with these claims (arrays become one claim per item).</summary>
    public static ClaimsPrincipal Principal(Dictionary<string, object> claims, string scheme)
    {
        var list = new List<Claim>();
        foreach (var (type, value) in claims)
        {
            if (value is string[] values)
                list.AddRange(values.Select(v => new Claim(type, v)));
            else
                list.Add(new Claim(type, Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture) ?? ""));
        }
        return new ClaimsPrincipal(new ClaimsIdentity(list, scheme, Claims.Name, Claims.Role));
    }

    private (string, DateTimeOffset) Issue(TimeSpan lifetime, Dictionary<string, object> claims)
    {
        var now = clock.GetUtcNow();
        var expires = now + lifetime;
        claims["jti"] = Guid.NewGuid().ToString("N");
        var token = new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = Issuer,
            Audience = Audience,
            IssuedAt = now.UtcDateTime,
            NotBefore = now.UtcDateTime,
            Expires = expires.UtcDateTime,
            Claims = claims,
            SigningCredentials = new SigningCredentials(_key, SecurityAlgorithms.HmacSha256),
        });
        return (token, expires);
    }
}

public static class ClaimsPrincipalExtensions
{
    public static bool IsCustomer(this ClaimsPrincipal user) => user.FindFirstValue(Claims.Kind) == Claims.CustomerKind;

    public static bool IsStaff(this ClaimsPrincipal user) => user.FindFirstValue(Claims.Kind) == Claims.StaffKind;

    /// <summary>Whether the person holds any of <paramref name="roles"/> (a named group of <see cref="StaffRoles"/>).</summary>
    public static bool IsInAnyRole(this ClaimsPrincipal user, IEnumerable<string> roles) => roles.Any(user.IsInRole);

    /// <summary>The customer, staff member or partner id of the principal.</summary>
    public static Guid SubjectId(this ClaimsPrincipal user) =>
        Guid.TryParse(user.FindFirstValue(Claims.Subject), out var id) ? id : throw new InvalidOperationException("The principal has no subject.");

    public static string? StoreId(this ClaimsPrincipal user) => user.FindFirstValue(Claims.Store);
}
