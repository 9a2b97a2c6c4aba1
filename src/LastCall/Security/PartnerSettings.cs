using System.ComponentModel.DataAnnotations;

namespace LastCall.Security;

/// <summary>Partners' API keys and rate (section <c>Partners</c>, decision 0014).</summary>
public sealed class PartnerSettings : IValidatableObject
{
    /// <summary>How long a confirmed key is trusted without asking the database again: a revocation on another instance takes this long.</summary>
    [Range(0, 60)]
    public int KeyCacheSeconds { get; set; } = 5;

    public RateLimitSettings RateLimit { get; set; } = new();

    public sealed class RateLimitSettings
    {
        /// <summary>Requests per second per partner, with a burst of twice that.</summary>
        public int PerSecond { get; set; } = 500;
    }

    public TimeSpan KeyCacheLifetime => TimeSpan.FromSeconds(KeyCacheSeconds);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (RateLimit.PerSecond is < 1 or > 1_000_000)
            yield return new ValidationResult("RateLimit:PerSecond must be 1 to 1,000,000.", ["RateLimit:PerSecond"]);
    }
}
