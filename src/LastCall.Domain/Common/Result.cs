namespace LastCall.Domain.Common;

/// <summary>An expected business failure: a stable snake_case code plus an English explanation.</summary>
public sealed record DomainError(string Code, string Message);

/// <summary>The outcome of an operation that can fail for business reasons. Never a silent no-op.</summary>
public readonly record struct Result
{
    private Result(DomainError? error) => Error = error;

    public DomainError? Error { get; }

    public bool IsSuccess => Error is null;

    public static Result Success { get; } = new(null);

    public static Result Failure(string code, string message) => new(new DomainError(code, message));

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

    public static Result<T> Failure(string code, string message) => new(default, new DomainError(code, message));

    public static implicit operator Result<T>(T value) => Success(value);

    public static implicit operator Result<T>(DomainError error) => new(default, error);
}
