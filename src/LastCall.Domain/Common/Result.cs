using LastCall.Domain.Cancellations;

namespace LastCall.Domain.Common;

/// <summary>
/// What kind of expected failure an error is. The kind, not the call site, decides how the failure leaves the
/// system: the web layer maps each kind to one HTTP status and problem shape (<c>Web/ErrorResponses.cs</c>).
/// </summary>
public enum ErrorKind
{
    /// <summary>The request itself is malformed or incomplete (a field is missing or has the wrong form).</summary>
    Validation,

    /// <summary>The thing asked about does not exist, or the caller may not know it exists.</summary>
    NotFound,

    /// <summary>The thing is not in a state that allows this (already done, too late, changed at the same moment).</summary>
    Conflict,

    /// <summary>The caller is known but may not do this.</summary>
    Forbidden,

    /// <summary>The line cannot do this yet: <see cref="DomainError.Ineligible"/> lists every blocker.</summary>
    NotEligible,

    /// <summary>A system we depend on (billing, the register index) cannot answer right now.</summary>
    Unavailable,

    /// <summary>The credentials given (password, code) are not right.</summary>
    Unauthorized,

    /// <summary>Too many attempts; <see cref="DomainError.RetryAfter"/> says when to try again.</summary>
    TooManyRequests,

    /// <summary>The request is well formed but a business rule refuses it (e.g. the new owner is the current owner).</summary>
    Unprocessable,

    /// <summary>The upload is larger than allowed.</summary>
    TooLarge,

    /// <summary>The upload is not in a format we take.</summary>
    UnsupportedMediaType,
}

/// <summary>
/// An expected business failure: its kind, a stable snake_case code and an English explanation, plus what its kind
/// needs to be acted on (the field at fault, the blockers, when to retry).
/// </summary>
public sealed record DomainError(ErrorKind Kind, string Code, string Message)
{
    /// <summary>A failure of the input itself (<see cref="ErrorKind.Validation"/>); other kinds through <see cref="Fail"/>.</summary>
    public DomainError(string code, string message)
        : this(ErrorKind.Validation, code, message)
    {
    }

    /// <summary>The request field at fault (<see cref="ErrorKind.Validation"/>), as the client spelled it.</summary>
    public string? Field { get; init; }

    /// <summary>Every reason the line cannot do this yet (<see cref="ErrorKind.NotEligible"/>).</summary>
    public Ineligibility? Ineligible { get; init; }

    /// <summary>When to try again (<see cref="ErrorKind.TooManyRequests"/>, <see cref="ErrorKind.Unavailable"/>).</summary>
    public TimeSpan? RetryAfter { get; init; }

    /// <summary>The same failure, blamed on a request field (for a value object's error found in a named field).</summary>
    public DomainError For(string field) => this with { Kind = ErrorKind.Validation, Field = field };
}

/// <summary>Why a line cannot do something yet: every blocker at once, and what the customer should know besides.</summary>
public sealed record Ineligibility(
    IReadOnlyList<Finding> Blockers,
    IReadOnlyList<Finding>? Warnings = null,
    IReadOnlyList<AlternativeOffer>? Alternatives = null)
{
    /// <summary>
    /// Blockers known by their codes (the alternatives' checks give codes), each with the facts of the same finding in
    /// <paramref name="known"/> (the eligibility check's blockers) when there is one, so that its message can say them.
    /// </summary>
    public static Ineligibility FromCodes(IEnumerable<string> codes, IReadOnlyList<Finding> known) =>
        new([.. codes.Select(code => known.FirstOrDefault(f => f.Code == code) ?? new Finding(code, new Dictionary<string, string>()))]);
}

/// <summary>Factories for <see cref="DomainError"/>s, so that a failure names its kind where it is made.</summary>
public static class Fail
{
    public static DomainError Validation(string code, string message) => new(ErrorKind.Validation, code, message);

    public static DomainError Validation(string field, string code, string message) => new(ErrorKind.Validation, code, message) { Field = field };

    public static DomainError NotFound(string code, string message) => new(ErrorKind.NotFound, code, message);

    public static DomainError Conflict(string code, string message) => new(ErrorKind.Conflict, code, message);

    public static DomainError Forbidden(string code, string message) => new(ErrorKind.Forbidden, code, message);

    public static DomainError NotEligible(string message, Ineligibility ineligible) =>
        new(ErrorKind.NotEligible, "not_eligible", message) { Ineligible = ineligible };

    public static DomainError Unavailable(string code, string message, TimeSpan? retryAfter = null) =>
        new(ErrorKind.Unavailable, code, message) { RetryAfter = retryAfter };

    public static DomainError Unauthorized(string code, string message) => new(ErrorKind.Unauthorized, code, message);

    public static DomainError TooManyRequests(string code, string message, TimeSpan retryAfter) =>
        new(ErrorKind.TooManyRequests, code, message) { RetryAfter = retryAfter };

    public static DomainError Unprocessable(string code, string message) => new(ErrorKind.Unprocessable, code, message);

    public static DomainError TooLarge(string code, string message) => new(ErrorKind.TooLarge, code, message);

    public static DomainError UnsupportedMediaType(string code, string message) => new(ErrorKind.UnsupportedMediaType, code, message);
}

/// <summary>The outcome of an operation that can fail for business reasons. Never a silent no-op.</summary>
public readonly record struct Result
{
    private Result(DomainError? error) => Error = error;

    public DomainError? Error { get; }

    public bool IsSuccess => Error is null;

    public static Result Success { get; } = new(null);

    /// <summary>A failure of the input itself (<see cref="ErrorKind.Validation"/>); other kinds through <see cref="Fail"/>.</summary>
    public static Result Failure(string code, string message) => new(Fail.Validation(code, message));

    public static implicit operator Result(DomainError error) => new(error);
}

/// <summary>A value or an expected business failure.</summary>
public readonly record struct Result<T>
{
    private readonly T? _value;

    private Result(T? value, DomainError? error)
    {
        _value = value;
        Error = error;
    }

    public DomainError? Error { get; }

    public bool IsSuccess => Error is null;

    public T Value => IsSuccess ? _value! : throw new InvalidOperationException($"No value: {Error!.Code}");

    public static Result<T> Success(T value) => new(value, null);

    /// <summary>A failure of the input itself (<see cref="ErrorKind.Validation"/>); other kinds through <see cref="Fail"/>.</summary>
    public static Result<T> Failure(string code, string message) => new(default, Fail.Validation(code, message));

    public static implicit operator Result<T>(T value) => Success(value);

    public static implicit operator Result<T>(DomainError error) => new(default, error);
}
