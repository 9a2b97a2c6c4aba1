using System.Security.Claims;
using System.Text.Encodings.Web;
using LastCall.Data;
using LastCall.Domain.Identity;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace LastCall.Security;

/// <summary>Named authorization policies, used on route groups.</summary>
public static class Policies
{
    public const string Customer = "customer";
    public const string Staff = "staff";
    public const string CustomerOrStaff = "customer-or-staff";
    public const string Clerk = "clerk";
    public const string Agent = "agent";
    public const string Reviewer = "reviewer";
    public const string Supervisor = "supervisor";
    public const string Admin = "admin";
    public const string Partner = "partner";

    /// <summary>A partner key with the <c>bss</c> scope: the operator's CRM and order systems on the TM Forum APIs.</summary>
    public const string Bss = "bss";

    /// <summary>A partner key with the <c>porting</c> scope: another operator's porting system asking for port-outs.</summary>
    public const string Porting = "porting";

    /// <summary>A porting client, or staff (a port-out's status).</summary>
    public const string PortingOrStaff = "porting-or-staff";

    /// <summary>
    /// The <see cref="Partner"/> policy's rule, also asked by the partner lookup gate: a partner key without a scope
    /// (a scoped key reaches its scope's routes and nothing else).
    /// </summary>
    public static bool IsOrdinaryPartner(ClaimsPrincipal user) =>
        user.HasClaim(Claims.Kind, Claims.PartnerKind) && !user.HasClaim(c => c.Type == Claims.Scope);
}

/// <summary>
/// One "Bearer" scheme for everyone: the partner key handler answers for API keys (<c>lcp_…</c>) and hands
/// everything else to the signed access token scheme. The key handler is the default scheme itself, not
/// behind a policy scheme, so a partner lookup (the hot path) is authenticated by one handler. Tokens are checked against the account's current security stamp on
/// every request, so ended sessions stop at once.
/// </summary>
public static class AuthenticationSetup
{
    public const string BearerScheme = "Bearer";
    public const string TokenScheme = "AccessToken";

    public static IServiceCollection AddLastCallAuthentication(this IServiceCollection services)
    {
        services.AddAuthentication(BearerScheme)
            .AddScheme<AuthenticationSchemeOptions, PartnerKeyHandler>(BearerScheme, "Bearer token or partner API key",
                o => o.ForwardDefaultSelector = context => PartnerKeyHandler.KeyFrom(context.Request) is null ? TokenScheme : null)
            .AddJwtBearer(TokenScheme, o =>
            {
                o.MapInboundClaims = false;
                o.Events = new JwtBearerEvents { OnTokenValidated = CheckSecurityStampAsync };
            });
        services.AddOptions<JwtBearerOptions>(TokenScheme)
            .Configure<AccessTokens>((o, tokens) => o.TokenValidationParameters = tokens.ValidationParameters);

        services.AddAuthorizationBuilder()
            .AddPolicy(Policies.Customer, p => p.RequireClaim(Claims.Kind, Claims.CustomerKind))
            .AddPolicy(Policies.Staff, p => p.RequireClaim(Claims.Kind, Claims.StaffKind))
            .AddPolicy(Policies.CustomerOrStaff, p => p.RequireClaim(Claims.Kind, Claims.CustomerKind, Claims.StaffKind))
            .AddPolicy(Policies.Clerk, p => p.RequireClaim(Claims.Kind, Claims.StaffKind).RequireRole(StaffRoles.Clerk))
            .AddPolicy(Policies.Agent, p => p.RequireClaim(Claims.Kind, Claims.StaffKind).RequireRole(StaffRoles.Agent))
            .AddPolicy(Policies.Reviewer, p => p.RequireClaim(Claims.Kind, Claims.StaffKind).RequireRole(StaffRoles.Reviewer))
            .AddPolicy(Policies.Supervisor, p => p.RequireClaim(Claims.Kind, Claims.StaffKind).RequireRole(StaffRoles.Supervise))
            .AddPolicy(Policies.Admin, p => p.RequireClaim(Claims.Kind, Claims.StaffKind).RequireRole(StaffRoles.Admin))
            // No scheme of its own: the default scheme is the partner key handler, and naming it here would
            // authenticate every partner request a second time and merge the two principals.
            .AddPolicy(Policies.Partner, p => p.RequireAssertion(c => Policies.IsOrdinaryPartner(c.User)))
            .AddPolicy(Policies.Bss, p => p.RequireClaim(Claims.Kind, Claims.PartnerKind).RequireClaim(Claims.Scope, PartnerScopes.Bss))
            .AddPolicy(Policies.Porting, p => p.RequireClaim(Claims.Kind, Claims.PartnerKind).RequireClaim(Claims.Scope, PartnerScopes.Porting))
            .AddPolicy(Policies.PortingOrStaff, p => p.RequireAssertion(c =>
                c.User.HasClaim(Claims.Kind, Claims.StaffKind) || (c.User.HasClaim(Claims.Kind, Claims.PartnerKind) && c.User.HasClaim(Claims.Scope, PartnerScopes.Porting))));
        return services;
    }

    private static async Task CheckSecurityStampAsync(TokenValidatedContext context)
    {
        if (await SessionEndReasonAsync(context.Principal!, context.HttpContext) is { } reason)
            context.Fail(reason);
    }

    /// <summary>
    /// Why a signed-in principal (access token or web cookie) no longer stands, or null while it does: its
    /// account must still exist (staff: be active) and carry the security stamp the principal was issued with.
    /// </summary>
    public static async Task<string?> SessionEndReasonAsync(ClaimsPrincipal principal, HttpContext http)
    {
        if (!Guid.TryParse(principal.FindFirstValue(Claims.Subject), out var id))
            return "The session names no account.";
        var stamp = principal.FindFirstValue(Claims.Stamp);
        var db = http.RequestServices.GetRequiredService<AppDbContext>();
        var current = principal.FindFirstValue(Claims.Kind) switch
        {
            Claims.CustomerKind => await CustomerStamp.For(db)(db, id, http.RequestAborted),
            Claims.StaffKind => await ActiveStaffStamp.For(db)(db, id, http.RequestAborted),
            _ => null,
        };
        return current is null || current != stamp ? "The session has ended." : null;
    }

    // Compiled: every signed-in request asks one of these.
    private static readonly CompiledQuery<Func<AppDbContext, Guid, CancellationToken, Task<string?>>> CustomerStamp = new(() =>
        EF.CompileAsyncQuery((AppDbContext db, Guid id, CancellationToken ct) => db.Customers.Where(c => c.Id == id).Select(c => c.SecurityStamp).FirstOrDefault()));

    private static readonly CompiledQuery<Func<AppDbContext, Guid, CancellationToken, Task<string?>>> ActiveStaffStamp = new(() =>
        EF.CompileAsyncQuery((AppDbContext db, Guid id, CancellationToken ct) => db.StaffMembers.Where(s => s.Id == id && s.Active).Select(s => s.SecurityStamp).FirstOrDefault()));
}

/// <summary>
/// Authenticates partners by API key: the key's SHA-256 must match an unrevoked key. A key the database
/// confirmed is remembered for a few seconds (<see cref="PartnerKeyCache"/>), so that lookups do not pay
/// a database round trip, a hash and a new principal each. The cache is keyed by the key as sent and holds
/// only keys the database confirmed, so a guessed key is always checked against the database.
/// </summary>
public sealed class PartnerKeyHandler(IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder,
    IDbContextFactory<AppDbContext> contexts, PartnerKeyCache cache, Hosting.DatabaseOutage outage)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    /// <summary>The partner API key the request carries as its bearer token, or null.</summary>
    public static string? KeyFrom(HttpRequest request)
    {
        var header = request.Headers.Authorization.ToString();
        if (!header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
            return null;
        var key = header[7..].Trim();
        return PartnerKeys.LooksLikeKey(key) ? key : null;
    }

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        // Requests without a key never get here: the scheme's selector hands them to the token scheme.
        if (KeyFrom(Request) is not { } key)
            return AuthenticateResult.NoResult();
        if (cache.TryGet(key, out var known))
            return AuthenticateResult.Success(new AuthenticationTicket(known.Principal, Scheme.Name));
        // During a database outage a partner the database confirmed recently goes on being served from memory.
        if (outage.IsDown && cache.TryGetDuringOutage(key, out known))
            return AuthenticateResult.Success(new AuthenticationTicket(known.Principal, Scheme.Name));
        try
        {
            var hash = PartnerKeys.Hash(key);
            await using var db = await contexts.CreateDbContextAsync(Context.RequestAborted);
            var partner = await db.PartnerApiKeys.AsNoTracking()
                .Where(k => k.Hash == hash && k.RevokedAt == null)
                .Join(db.Partners, k => k.PartnerId, p => p.Id, (k, p) => new { p.Id, p.Name, KeyId = k.Id, p.Scopes })
                .FirstOrDefaultAsync(Context.RequestAborted);
            if (partner is null)
                return AuthenticateResult.Fail("Unknown or revoked API key.");
            known = cache.Remember(key, partner.Id, partner.Name, partner.KeyId, Scheme.Name, partner.Scopes);
        }
        catch (Exception e) when (outage.Observe(e) && cache.TryGetDuringOutage(key, out known))
        {
            // The outage starts with this request: the key was confirmed recently, so it is still served.
        }
        return AuthenticateResult.Success(new AuthenticationTicket(known.Principal, Scheme.Name));
    }
}
