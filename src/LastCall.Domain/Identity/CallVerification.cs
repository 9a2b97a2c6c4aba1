using LastCall.Domain.Common;

namespace LastCall.Domain.Identity;

/// <summary>
/// A call-centre agent verified the caller of a line (service password + SMS code) in this call.
/// Until then the agent sees nothing of the line; afterwards for a limited time only.
/// </summary>
public sealed class CallVerification
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(30);

    private CallVerification() => Msisdn = null!;

    public Guid Id { get; private set; }

    public Guid AgentId { get; private set; }

    public Msisdn Msisdn { get; private set; }

    public DateTimeOffset VerifiedAt { get; private set; }

    public DateTimeOffset VerifiedUntil { get; private set; }

    public static CallVerification Record(Guid agentId, Msisdn msisdn, DateTimeOffset now) => new()
    {
        Id = Guid.CreateVersion7(now),
        AgentId = agentId,
        Msisdn = msisdn,
        VerifiedAt = now,
        VerifiedUntil = now + Lifetime,
    };

    public bool IsValid(DateTimeOffset now) => now < VerifiedUntil;
}
