using LastCall.Data;
using LastCall.Domain.Common;
using LastCall.Domain.Identity;
using LastCall.Domain.Lines;
using LastCall.Integrations.Messaging;
using LastCall.Security;
using Microsoft.EntityFrameworkCore;

namespace LastCall.Features.Auth;

/// <summary>
/// Issues and checks SMS codes for sign-in, call verification and unlocking. A challenge is stored
/// for unknown numbers too (the code is simply never sent), so answers, timing and throttling cannot
/// tell whether a number is ours.
/// </summary>
public sealed class OneTimeCodes(OtpCodes codes, IMessageSender sender, TimeProvider clock, OtpSettings settings)
{
    /// <summary>Shortest gap between two codes to one number (<c>Security:Otp:MinIntervalSeconds</c>, default 60).</summary>
    private TimeSpan MinInterval => settings.MinInterval;

    /// <summary>Most codes to one number in an hour (<c>Security:Otp:MaxPerHour</c>, default 10).</summary>
    private int MaxPerHour => settings.MaxPerHour;

    /// <summary>Sends a new code, or returns how long to wait when the number asked too often.</summary>
    public async Task<TimeSpan?> SendAsync(AppDbContext db, Msisdn msisdn, OtpPurpose purpose, string template, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var hourAgo = now - TimeSpan.FromHours(1);
        var recent = await db.OtpChallenges.Where(o => o.Msisdn == msisdn && o.Purpose == purpose && o.CreatedAt > hourAgo)
            .OrderByDescending(o => o.CreatedAt).Select(o => o.CreatedAt).ToListAsync(ct);
        var minInterval = MinInterval;
        if (recent.Count > 0 && now - recent[0] < minInterval)
            return minInterval - (now - recent[0]);
        if (recent.Count >= MaxPerHour)
            return recent[^1] + TimeSpan.FromHours(1) - now;

        var code = OtpCodes.NewCode();
        var id = Guid.CreateVersion7(now);
        db.OtpChallenges.Add(OtpChallenge.Issue(id, msisdn, purpose, codes.Hash(id, code), now));
        await db.SaveChangesAsync(ct);

        var owner = await db.Lines.Where(Line.Live).Where(l => l.Msisdn == msisdn)
            .Join(db.Customers, l => l.CustomerId, c => c.Id, (l, c) => c.PreferredLanguage).FirstOrDefaultAsync(ct);
        if (owner is not null)
            await sender.SendAsync(MessageTexts.Sms(template, msisdn.Value, owner, code), ct);
        return null;
    }

    /// <summary>Tries the newest usable code of the number; a wrong code uses up one of its five tries.</summary>
    public async Task<bool> VerifyAsync(AppDbContext db, Msisdn msisdn, OtpPurpose purpose, string? code, bool countAsWrong, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var challenge = await db.OtpChallenges
            .Where(o => o.Msisdn == msisdn && o.Purpose == purpose && o.ConsumedAt == null && o.ExpiresAt > now && o.Attempts < OtpChallenge.MaxAttempts)
            .OrderByDescending(o => o.CreatedAt).FirstOrDefaultAsync(ct);
        if (challenge is null)
            return false;
        var matches = !countAsWrong && codes.Matches(challenge.Id, code, challenge.CodeHash);
        return challenge.Attempt(matches, now).IsSuccess;
    }
}
