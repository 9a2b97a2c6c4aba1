using LastCall.Data;
using LastCall.Domain.Common;
using LastCall.Domain.Identity;
using LastCall.Security;

namespace LastCall.Features.Auth;

/// <summary>How a <see cref="LineHolderCheck"/> ended.</summary>
public enum HolderCheckOutcome
{
    /// <summary>Throttled: refused before the password or code was looked at.</summary>
    Refused,

    /// <summary>The password or the code was wrong; the failure was counted.</summary>
    Failed,

    /// <summary>Both were right; the throttle's counters for the number and the address were reset.</summary>
    Passed,
}

/// <summary>
/// The answer of a <see cref="LineHolderCheck"/>. <see cref="RetryAfter"/> is set when the caller is (now) locked out;
/// <see cref="WrongPassword"/> tells the audit which part was wrong.
/// </summary>
public readonly record struct HolderCheck(HolderCheckOutcome Outcome, TimeSpan? RetryAfter, bool WrongPassword)
{
    public bool Passed => Outcome == HolderCheckOutcome.Passed;

    /// <summary>The error to answer when the check did not pass: 429 <c>locked_out</c> or 401 <c>invalid_credentials</c>.</summary>
    public DomainError Error(string lockedOutMessage, string wrongMessage) => RetryAfter is { } wait
        ? Fail.TooManyRequests("locked_out", lockedOutMessage, wait)
        : Fail.Unauthorized("invalid_credentials", wrongMessage);
}

/// <summary>
/// "Prove you hold this line": its service password and an SMS code sent to it, throttled per number and per address
/// (<see cref="SignInGuard"/>). Online sign-in, the call centre's caller check and the account unlock share it, so that
/// their failures count against one throttle, a wrong password also spends the code, and an unknown number costs the
/// same work as a known one (the password is checked against a dummy hash). Callers audit the outcome in their own words.
/// </summary>
public sealed class LineHolderCheck(AppDbContext db, OneTimeCodes codes, SignInGuard guard)
{
    private static readonly Lazy<string> DummyHash = new(() => SecretHasher.Hash("no-such-line"));

    /// <param name="servicePasswordHash">The line's password hash; null when the number has no line (the check then fails).</param>
    public async Task<HolderCheck> CheckAsync(
        Msisdn number, string? servicePasswordHash, string servicePassword, OtpPurpose purpose, string code, string? remoteAddress, CancellationToken ct)
    {
        var accountKey = SignInGuard.NumberKey(number.Value);
        var addressKey = SignInGuard.AddressKey(remoteAddress);
        if (await guard.RetryAfterAsync(db, accountKey, addressKey, ct) is { } wait)
            return new HolderCheck(HolderCheckOutcome.Refused, wait, WrongPassword: false);

        var passwordOk = SecretHasher.Verify(servicePassword, servicePasswordHash ?? DummyHash.Value) && servicePasswordHash is not null;
        var codeOk = await codes.VerifyAsync(db, number, purpose, code, countAsWrong: !passwordOk, ct);
        if (passwordOk && codeOk)
        {
            await guard.RecordSuccessAsync(accountKey, addressKey, ct);
            return new HolderCheck(HolderCheckOutcome.Passed, null, WrongPassword: false);
        }
        var lockedFor = await guard.RecordFailureAsync(accountKey, addressKey, ct);
        return new HolderCheck(HolderCheckOutcome.Failed, lockedFor, WrongPassword: !passwordOk);
    }
}
