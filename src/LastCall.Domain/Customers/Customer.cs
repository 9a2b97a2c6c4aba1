using LastCall.Domain.Common;

namespace LastCall.Domain.Customers;

/// <summary>A real-name registered person who owns one or more lines.</summary>
public sealed class Customer : AggregateRoot
{
    public const int MaxNameLength = 100;

    private Customer()
    {
        Name = null!;
        IdNumberCiphertext = null!;
        IdNumberBlindIndex = null!;
        IdNumberMasked = null!;
        PreferredLanguage = null!;
        SecurityStamp = null!;
    }

    public Guid Id { get; private set; }

    public string Name { get; private set; }

    public IdType IdType { get; private set; }

    public string IdNumberCiphertext { get; private set; }

    /// <summary>Keyed HMAC of type and number: finds the same person again without decrypting.</summary>
    public string IdNumberBlindIndex { get; private set; }

    /// <summary>What people are shown: <c>1101**********1234</c>.</summary>
    public string IdNumberMasked { get; private set; }

    public ProtectedIdNumber IdNumber => new(IdNumberCiphertext, IdNumberBlindIndex, IdNumberMasked);

    /// <summary>zh-CN or en: the language of messages sent to this customer.</summary>
    public string PreferredLanguage { get; private set; }

    public string? Email { get; private set; }

    /// <summary>The opt-in lock against cancellation, transfer and SIM changes.</summary>
    public bool AccountLocked { get; private set; }

    public DateTimeOffset? AccountLockedAt { get; private set; }

    public DateTimeOffset CreatedAt { get; private set; }

    /// <summary>Changes whenever earlier sign-ins must stop working (password change, ownership transfer).</summary>
    public string SecurityStamp { get; private set; }

    public static readonly IReadOnlyList<string> SupportedLanguages = ["zh-CN", "en"];

    public static Result<Customer> Register(string? name, IdType idType, ProtectedIdNumber idNumber, string preferredLanguage, string? email, DateTimeOffset now)
    {
        if (ValidateName(name) is { } nameError)
            return nameError;
        if (!SupportedLanguages.Contains(preferredLanguage))
            return Result<Customer>.Failure("invalid_language", "The language must be zh-CN or en.");
        return new Customer
        {
            Id = Guid.CreateVersion7(now),
            Name = name!.Trim(),
            IdType = idType,
            IdNumberCiphertext = idNumber.Ciphertext,
            IdNumberBlindIndex = idNumber.BlindIndex,
            IdNumberMasked = idNumber.Masked,
            PreferredLanguage = preferredLanguage,
            Email = string.IsNullOrWhiteSpace(email) ? null : email.Trim(),
            CreatedAt = now,
            SecurityStamp = Guid.NewGuid().ToString("N"),
        };
    }

    /// <summary>Ends every session signed in before now.</summary>
    public void RotateSecurityStamp() => SecurityStamp = Guid.NewGuid().ToString("N");

    public Result Rename(string? name)
    {
        if (ValidateName(name) is { } error)
            return error;
        Name = name!.Trim();
        return Result.Success;
    }

    public Result LockAccount(DateTimeOffset now)
    {
        if (AccountLocked)
            return Fail.Conflict("already_locked", "The account is already locked.");
        AccountLocked = true;
        AccountLockedAt = now;
        return Result.Success;
    }

    public Result UnlockAccount()
    {
        if (!AccountLocked)
            return Fail.Conflict("not_locked", "The account is not locked.");
        AccountLocked = false;
        AccountLockedAt = null;
        return Result.Success;
    }

    private static DomainError? ValidateName(string? name)
    {
        var trimmed = name?.Trim();
        if (string.IsNullOrEmpty(trimmed) || trimmed.Length > MaxNameLength)
            return Fail.Validation("invalid_name", $"The name must have 1 to {MaxNameLength} characters.");
        foreach (var c in trimmed)
        {
            if (char.IsControl(c))
                return Fail.Validation("invalid_name", "The name contains control characters.");
        }
        return null;
    }
}
