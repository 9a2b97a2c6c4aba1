using System.ComponentModel.DataAnnotations;

namespace LastCall.Features.Auth;

/// <summary>How often SMS codes may be asked for one number (section <c>Security:Otp</c>, decision 0014).</summary>
public sealed class OtpSettings
{
    [Range(0, 3600)]
    public int MinIntervalSeconds { get; set; } = 60;

    [Range(1, 1000)]
    public int MaxPerHour { get; set; } = 10;

    public TimeSpan MinInterval => TimeSpan.FromSeconds(MinIntervalSeconds);
}
