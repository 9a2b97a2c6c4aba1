using LastCall.Domain.Common;

namespace LastCall.Web.OpenApi;

/// <summary>
/// The kinds of <see cref="DomainError"/> an endpoint's handler can return. The OpenAPI document lists the status of each
/// (<see cref="ErrorResponses.StatusOf"/>, the one kind-to-status table) with the problem schema.
/// </summary>
public sealed record EndpointFailures(IReadOnlyList<ErrorKind> Kinds);

/// <summary>Marks an endpoint that answers without the database, so the document gives it no 503 <c>database_unavailable</c>.</summary>
public sealed record AnswersWithoutDatabase;

public static class EndpointFailureExtensions
{
    /// <summary>Documents the domain failures the handler can answer: <c>.Fails(ErrorKind.NotFound, ErrorKind.Conflict)</c>.</summary>
    public static TBuilder Fails<TBuilder>(this TBuilder builder, params ErrorKind[] kinds) where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new EndpointFailures(kinds));

    /// <summary>The endpoint never touches the database (no 503 <c>database_unavailable</c> in the document).</summary>
    public static TBuilder AnswersWithoutDatabase<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new AnswersWithoutDatabase());
}
