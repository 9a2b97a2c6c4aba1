using System.ComponentModel.DataAnnotations;

namespace LastCall.Features.Porting;

/// <summary>The donor side of number portability (section <c>Porting</c>, API.md "Porting").</summary>
public sealed class PortingSettings
{
    /// <summary>A number ported (in or out) fewer days ago than this cannot be ported out again (<c>recent_port</c>).</summary>
    [Range(0, 3650)]
    public int MinDaysBetweenPorts { get; set; } = 120;

    /// <summary>How long a port-out authorization code texted to the owner stays valid.</summary>
    [Range(5, 1440)]
    public int AuthorizationMinutes { get; set; } = 60;

    public TimeSpan AuthorizationLifetime => TimeSpan.FromMinutes(AuthorizationMinutes);
}
