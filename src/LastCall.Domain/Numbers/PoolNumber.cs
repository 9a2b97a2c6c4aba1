using LastCall.Domain.Common;

namespace LastCall.Domain.Numbers;

/// <summary>
/// A number in the operator's pool. A disconnected number sits in quarantine until its date passes
/// and only then becomes available; it can never be assigned while quarantined.
/// </summary>
public sealed class PoolNumber : AggregateRoot
{
    private PoolNumber() => Msisdn = null!;

    public Msisdn Msisdn { get; private set; }

    public const string StandardCategory = "standard";
    public const int MaxCategoryLength = 32;

    public NumberState State { get; private set; }

    /// <summary>The operator's number category (standard, golden, business…); the quarantine period may differ per category.</summary>
    public string Category { get; private set; } = StandardCategory;

    /// <summary>The first day the number may become available again.</summary>
    public DateOnly? QuarantinedUntil { get; private set; }

    public DateTimeOffset StateChangedAt { get; private set; }

    /// <summary>
    /// The quarantine end (<see cref="QuarantinedUntil"/>) for which the recycling notices went out, to every partner that
    /// had to hear (none is fine); the aging job gives out no number before they did. An import that brings a number in
    /// after its quarantine ended elsewhere leaves it unset.
    /// </summary>
    public DateOnly? RecyclingNoticesFor { get; private set; }

    /// <summary>The recycling notices of this quarantine went out.</summary>
    public Result RecordRecyclingNotices()
    {
        if (State != NumberState.Quarantined)
            return Fail.Conflict("invalid_number_state", $"The number is not in quarantine; it is {State}.");
        RecyclingNoticesFor = QuarantinedUntil;
        return Result.Success;
    }

    public static PoolNumber NewlyAssigned(Msisdn msisdn, DateTimeOffset now) =>
        new() { Msisdn = msisdn, State = NumberState.Assigned, StateChangedAt = now };

    public static PoolNumber NewlyAvailable(Msisdn msisdn, DateTimeOffset now) =>
        new() { Msisdn = msisdn, State = NumberState.Available, StateChangedAt = now };

    /// <summary>A category in its stored form (lower case); empty means standard.</summary>
    public static Result<string> NormalizeCategory(string? category)
    {
        var value = string.IsNullOrWhiteSpace(category) ? StandardCategory : category.Trim().ToLowerInvariant();
        if (value.Length > MaxCategoryLength || !value.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-'))
            return Result<string>.Failure("invalid_number_category", $"A number category is 1 to {MaxCategoryLength} letters, digits, '-' or '_'.");
        return value;
    }

    public Result SetCategory(string? category)
    {
        var value = NormalizeCategory(category);
        if (!value.IsSuccess)
            return value.Error!;
        Category = value.Value;
        return Result.Success;
    }

    public Result Assign(DateTimeOffset now)
    {
        if (State != NumberState.Available)
            return Fail.Conflict("number_not_available",
                State switch
                {
                    NumberState.Quarantined => $"The number is in quarantine until {QuarantinedUntil:yyyy-MM-dd}.",
                    NumberState.PortedOut => "The number was ported out: it belongs to another operator.",
                    _ => "The number is already assigned.",
                });
        State = NumberState.Assigned;
        QuarantinedUntil = null;
        StateChangedAt = now;
        return Result.Success;
    }

    /// <summary>Starts the aging period of a number disconnected on <paramref name="disconnectedOn"/>.</summary>
    public Result Quarantine(DateOnly disconnectedOn, QuarantinePolicy policy, DateTimeOffset now)
    {
        if (State != NumberState.Assigned)
            return Fail.Conflict("invalid_number_state", $"Only an assigned number can be quarantined; this one is {State}.");
        State = NumberState.Quarantined;
        QuarantinedUntil = disconnectedOn.AddDays(policy.Days);
        StateChangedAt = now;
        return Result.Success;
    }

    /// <summary>A port-out's hand-over: the number leaves with its owner, without quarantine.</summary>
    public Result PortOut(DateTimeOffset now)
    {
        if (State != NumberState.Assigned)
            return Fail.Conflict("invalid_number_state", $"Only an assigned number can be ported out; this one is {State}.");
        State = NumberState.PortedOut;
        StateChangedAt = now;
        return Result.Success;
    }

    /// <summary>A ported-out number came back to us with a new line (ported in again).</summary>
    public Result PortBackIn(DateTimeOffset now)
    {
        if (State != NumberState.PortedOut)
            return Fail.Conflict("invalid_number_state", $"Only a ported-out number can come back; this one is {State}.");
        State = NumberState.Assigned;
        StateChangedAt = now;
        return Result.Success;
    }

    /// <summary>Ends the quarantine once its date has come.</summary>
    public Result EndQuarantine(DateOnly today, DateTimeOffset now)
    {
        if (State != NumberState.Quarantined)
            return Fail.Conflict("invalid_number_state", $"The number is not in quarantine; it is {State}.");
        if (today < QuarantinedUntil)
            return Fail.Conflict("quarantine_not_over", $"The quarantine lasts until {QuarantinedUntil:yyyy-MM-dd}.");
        State = NumberState.Available;
        QuarantinedUntil = null;
        StateChangedAt = now;
        return Result.Success;
    }
}
