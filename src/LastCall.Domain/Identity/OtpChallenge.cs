using LastCall.Domain.Common;

namespace LastCall.Domain.Identity;

public enum OtpPurpose
{
    /// <summary>Customer sign-in (number + service password + code).</summary>
    SignIn,

    /// <summary>A call-centre agent verifying the caller.</summary>
    CallVerification,

    /// <summary>Lifting the account lock with full verification.</summary>
    AccountUnlock,
}

/// <summary>
/// A one-time code sent by SMS: valid 5 minutes, single use, at most 5 tries. Only a keyed hash of the
/// code is stored; the clear code exists only in the SMS.
/// </summary>
public sealed class OtpChallenge
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(5);
    public const int MaxAttempts = 5;

    private OtpChallenge()
    {
        Msisdn = null!;
        CodeHash = null!;
    }

    public Guid Id { get; private set; }

    public Msisdn Msisdn { get; private set; }

    public OtpPurpose Purpose { get; private set; }

    public string CodeHash { get; private set; }

    public DateTimeOffset CreatedAt { get; private set; }

    public DateTimeOffset ExpiresAt { get; private set; }

    public int Attempts { get; private set; }

    public DateTimeOffset? ConsumedAt { get; private set; }

    /// <summary>The id is chosen by the caller because the code's hash binds it.</summary>
    public static OtpChallenge Issue(Guid id, Msisdn msisdn, OtpPurpose purpose, string codeHash, DateTimeOffset now) => new()
    {
        Id = id,
        Msisdn = msisdn,
        Purpose = purpose,
        CodeHash = codeHash,
        CreatedAt = now,
        ExpiresAt = now + Lifetime,
    };

    public bool IsUsable(DateTimeOffset now) => ConsumedAt is null && now < ExpiresAt && Attempts < MaxAttempts;

    /// <summary>
    /// Counts one try with <paramref name="matches"/> telling whether the code was right. A right code
    /// consumes the challenge; a wrong one uses up a try.
    /// </summary>
    public Result Attempt(bool matches, DateTimeOffset now)
    {
        if (!IsUsable(now))
            return Fail.Unauthorized("otp_unusable", "The code has expired, was used, or had too many tries.");
        Attempts++;
        if (!matches)
            return Fail.Unauthorized("otp_wrong", "The code is wrong.");
        ConsumedAt = now;
        return Result.Success;
    }
}
