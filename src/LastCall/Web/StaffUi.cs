using System.Security.Claims;
using LastCall.Domain.Identity;
using LastCall.Security;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc.ApplicationModels;

namespace LastCall.Web;

/// <summary>
/// The staff console at <c>/staff</c>: its texts (Resources/Web/Staff*.resx) and its role-based page
/// policies on the web cookie. Every page needs a staff session; each area needs its role as well
/// (counter: clerk, calls: agent, review: reviewer, supervision: supervisor or admin, admin: admin).
/// The handlers the pages call check the same again per object.
/// </summary>
public static class StaffUi
{
    public const string ClerkPolicy = "web-clerk";
    public const string AgentPolicy = "web-agent";
    public const string ReviewerPolicy = "web-reviewer";
    public const string SupervisorPolicy = "web-supervisor";
    public const string AdminPolicy = "web-admin";

    public static readonly UiText Text = new("Staff");

    public static void AddConventions(PageConventionCollection conventions)
    {
        conventions.AuthorizeFolder("/Staff", WebSession.StaffPolicy);
        conventions.AllowAnonymousToPage("/Staff/SignIn");
        conventions.AuthorizeFolder("/Staff/Counter", ClerkPolicy);
        conventions.AuthorizeFolder("/Staff/Calls", AgentPolicy);
        conventions.AuthorizeFolder("/Staff/Review", ReviewerPolicy);
        conventions.AuthorizeFolder("/Staff/Supervision", SupervisorPolicy);
        conventions.AuthorizeFolder("/Staff/Admin", AdminPolicy);
    }

    public static AuthorizationBuilder AddStaffPolicies(this AuthorizationBuilder builder) => builder
        .AddPolicy(ClerkPolicy, p => Staff(p).RequireRole(StaffRoles.Clerk))
        .AddPolicy(AgentPolicy, p => Staff(p).RequireRole(StaffRoles.Agent))
        .AddPolicy(ReviewerPolicy, p => Staff(p).RequireRole(StaffRoles.Reviewer))
        .AddPolicy(SupervisorPolicy, p => Staff(p).RequireRole(StaffRoles.Supervisor, StaffRoles.Admin))
        .AddPolicy(AdminPolicy, p => Staff(p).RequireRole(StaffRoles.Admin));

    private static AuthorizationPolicyBuilder Staff(AuthorizationPolicyBuilder p) =>
        p.AddAuthenticationSchemes(WebSession.CookieScheme).RequireClaim(Claims.Kind, Claims.StaffKind);

    /// <summary>The console's sections this person may open, in navigation order (key, path).</summary>
    public static IReadOnlyList<(string Key, string Path)> Sections(ClaimsPrincipal user)
    {
        var list = new List<(string, string)>();
        if (user.IsInRole(StaffRoles.Clerk))
            list.Add(("nav_counter", "/staff/counter"));
        if (user.IsInRole(StaffRoles.Agent))
            list.Add(("nav_calls", "/staff/calls"));
        if (user.IsInRole(StaffRoles.Reviewer))
            list.Add(("nav_review", "/staff/review"));
        if (user.IsInAnyRole(StaffRoles.Supervise))
        {
            list.Add(("nav_dashboard", "/staff/supervision"));
            list.Add(("nav_audit", "/staff/supervision/audit"));
            list.Add(("nav_reports", "/staff/supervision/reports"));
        }
        if (user.IsInRole(StaffRoles.Admin))
            list.Add(("nav_admin", "/staff/admin"));
        return list;
    }
}
