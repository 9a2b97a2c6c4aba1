using System.Text.RegularExpressions;
using LastCall.Domain.Common;

namespace LastCall.Domain.Identity;

public static class StaffRoles
{
    public const string Clerk = "clerk";
    public const string Agent = "agent";
    public const string Reviewer = "reviewer";
    public const string Supervisor = "supervisor";
    public const string Admin = "admin";

    public static readonly IReadOnlyList<string> All = [Clerk, Agent, Reviewer, Supervisor, Admin];

    /// <summary>
    /// Roles that see every line, its requests and its owner's ID documents: the store counter, review and supervision.
    /// A call-centre agent sees only the line of a caller verified in the current call.
    /// </summary>
    public static readonly IReadOnlyList<string> SeeEveryLine = [Clerk, Reviewer, Supervisor, Admin];

    /// <summary>Roles that supervise: the dashboard, retries of failed requests, the audit trail, regulator reports.</summary>
    public static readonly IReadOnlyList<string> Supervise = [Supervisor, Admin];
}

/// <summary>
/// A member of staff with roles. A clerk is bound to exactly one store and acts in its name. The
/// password is stored only as a slow hash; the security stamp changes to end every earlier session.
/// </summary>
public sealed partial class StaffMember : AggregateRoot
{
    public const int MinPasswordLength = 12;

    private StaffMember()
    {
        Username = null!;
        PasswordHash = null!;
        Roles = [];
        SecurityStamp = null!;
    }

    public Guid Id { get; private set; }

    public string Username { get; private set; }

    public string PasswordHash { get; private set; }

    /// <summary>Role names (<see cref="StaffRoles"/>), distinct and in order.</summary>
    public IReadOnlyList<string> Roles { get; private set; }

    public string? StoreId { get; private set; }

    public bool Active { get; private set; }

    public string SecurityStamp { get; private set; }

    public DateTimeOffset CreatedAt { get; private set; }

    public bool HasRole(string role) => Roles.Contains(role);

    public static Result<StaffMember> Create(string? username, IReadOnlyCollection<string> roles, string? storeId, string passwordHash, DateTimeOffset now)
    {
        var name = username?.Trim().ToLowerInvariant() ?? "";
        if (!UsernamePattern().IsMatch(name))
            return Result<StaffMember>.Failure("invalid_username", "A username has 3 to 40 lower-case letters, digits, dots, dashes or underscores.");
        if (roles.Count == 0 || roles.Any(r => !StaffRoles.All.Contains(r)))
            return Result<StaffMember>.Failure("invalid_roles", $"Roles must be one or more of: {string.Join(", ", StaffRoles.All)}.");
        var store = string.IsNullOrWhiteSpace(storeId) ? null : storeId.Trim();
        if (roles.Contains(StaffRoles.Clerk) && store is null)
            return Result<StaffMember>.Failure("store_required", "A clerk is bound to one store: give its store id.");
        if (store is not null && (store.Length > 32 || !StoreIdPattern().IsMatch(store)))
            return Result<StaffMember>.Failure("invalid_store", "A store id has 1 to 32 letters, digits or dashes.");
        return new StaffMember
        {
            Id = Guid.CreateVersion7(now),
            Username = name,
            PasswordHash = passwordHash,
            Roles = [.. roles.Distinct().Order(StringComparer.Ordinal)],
            StoreId = store,
            Active = true,
            SecurityStamp = NewStamp(),
            CreatedAt = now,
        };
    }

    /// <summary>Rules for a new staff password; the hash is made by the caller.</summary>
    public static DomainError? ValidatePassword(string? password) =>
        password is null || password.Length < MinPasswordLength || password.Length > 128
            ? Fail.Validation("weak_password", $"A staff password has {MinPasswordLength} to 128 characters.")
            : null;

    /// <summary>Sets a new password hash and ends every session signed in with the old one.</summary>
    public void ChangePassword(string passwordHash)
    {
        PasswordHash = passwordHash;
        SecurityStamp = NewStamp();
    }

    public Result Deactivate()
    {
        if (!Active)
            return Fail.Conflict("already_inactive", "The account is already inactive.");
        Active = false;
        SecurityStamp = NewStamp();
        return Result.Success;
    }

    private static string NewStamp() => Guid.NewGuid().ToString("N");

    [GeneratedRegex("^[a-z0-9._-]{3,40}$")]
    private static partial Regex UsernamePattern();

    [GeneratedRegex("^[A-Za-z0-9-]+$")]
    private static partial Regex StoreIdPattern();
}
