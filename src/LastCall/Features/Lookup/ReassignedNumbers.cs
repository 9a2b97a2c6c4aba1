using System.Globalization;
using System.Text.Json.Serialization;
using LastCall.Domain.Common;
using LastCall.Domain.Numbers;
using LastCall.Security;
using LastCall.Web;
using LastCall.Web.OpenApi;
using Microsoft.AspNetCore.Http.HttpResults;

namespace LastCall.Features.Lookup;

/// <summary>
/// GET /api/v1/reassigned-numbers/{msisdn}?since=DATE and POST /api/v1/reassigned-numbers/query:
/// "was this number permanently disconnected on or after DATE?" — <c>yes</c>, <c>no</c>, or
/// <c>no_data</c> when DATE is before the register begins (FCC reassigned-numbers semantics) or the number was ported out
/// (unless disconnected with us since DATE); a number that is not ours
/// (<see cref="ServedNumbers"/>) is 404 <c>number_not_served</c> alone and <c>not_served</c> in a batch. Answered
/// from memory (<see cref="RegisterIndexService"/>); counted per partner for billing; numbers are never logged.
/// </summary>
public static class ReassignedNumbers
{
    public const int MaxBatch = 10_000;

    /// <summary><see cref="Receipt"/>: a signed lookup receipt (<see cref="LookupReceipts"/>), only when asked for.</summary>
    public sealed record Answer(string Msisdn, string Since, string Result,
        [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Receipt = null);

    public sealed record Query(string? Msisdn, string? Since);

    /// <summary><see cref="Receipt"/> true: every answered query (not_served included) comes with its lookup receipt.</summary>
    public sealed record Batch(List<Query>? Queries, bool? Receipt = null);

    public sealed record BatchItem(string? Msisdn, string? Since, string? Result, BatchError? Error,
        [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Receipt = null);

    public sealed record BatchError(string Code, string Detail);

    public sealed record BatchResponse(IReadOnlyList<BatchItem> Results);

    public const string NotServed = "not_served";

    public static void Map(RouteGroupBuilder partner)
    {
        // Answered from memory; only the partner gate may need the database (a key not yet cached).
        partner.MapGet("/reassigned-numbers/{msisdn}", Single)
            .AnsweredAtTheGate()
            .Fails(ErrorKind.Validation, ErrorKind.NotFound, ErrorKind.Unavailable)
            .WithSummary("Was the number permanently disconnected on or after `since`? yes / no / no_data; 404 number_not_served for a number that is not ours. `receipt=true` adds a signed lookup receipt.");
        partner.MapPost("/reassigned-numbers/query", BatchQuery)
            .Fails(ErrorKind.Validation, ErrorKind.NotFound, ErrorKind.Unavailable)
            .WithSummary("Up to 10,000 lookups at once; answers in the same order (not_served for a number that is not ours), a bad query answered with its own error. `receipt: true` adds a signed lookup receipt to each answer.");
    }

    public static string Text(LookupResult result) => result switch
    {
        LookupResult.Yes => "yes",
        LookupResult.No => "no",
        _ => "no_data",
    };

    private static Results<Ok<Answer>, ProblemHttpResult> Single(string msisdn, string? since, string? receipt, RegisterIndexService register, ServedNumbers served, PartnerMeter meter,
        LookupReceipts receipts, HttpContext http)
    {
        if (register.Index is not { } index)
            return NotReady(http);
        if (!DisconnectionIndex.TryParseMsisdn(msisdn, out var number))
            return Problems.Validation("msisdn", "invalid_msisdn", "The number must be in E.164 form, e.g. +8613800000001.");
        if (!TryParseSince(since, out var day))
            return Problems.Validation("since", "invalid_date", "since must be a date (YYYY-MM-DD), not in the future.");
        if (!TryParseFlag(receipt, out var withReceipt))
            return Problems.Validation("receipt", "invalid_receipt_flag", "receipt must be true or false.");
        meter.Count(http.User.SubjectId(), 1);
        // Read before the lookup: every entry up to it was in the index the answer came from.
        var registerAsOf = withReceipt ? register.NewestEntryId : 0;
        if (served.Answer(index, number, day, register.RegisterStartsOn) is not { } answer)
            return Problems.Create(StatusCodes.Status404NotFound, "number_not_served", "This number is not one of ours: ask the operator that serves it.");
        var result = Text(answer);
        return TypedResults.Ok(new Answer(msisdn, since!, result, withReceipt ? receipts.Issue(msisdn, since!, result, registerAsOf) : null));
    }

    private static bool TryParseFlag(string? text, out bool value)
    {
        value = false;
        return text is null || bool.TryParse(text, out value);
    }

    private static Results<Ok<BatchResponse>, ProblemHttpResult> BatchQuery(Batch body, RegisterIndexService register, ServedNumbers served, PartnerMeter meter,
        LookupReceipts receipts, HttpContext http)
    {
        if (register.Index is not { } index)
            return NotReady(http);
        if (body.Queries is not { Count: > 0 } queries)
            return Problems.Validation("queries", "validation_failed", "Give queries: [{msisdn, since}, …].");
        if (queries.Count > MaxBatch)
            return Problems.Validation("queries", "too_many_queries", $"At most {MaxBatch:N0} queries per request; use query.csv for more.");
        var results = new BatchItem[queries.Count];
        var registerAsOf = register.NewestEntryId;
        // Parsed first and looked up together: the register index makes a group's memory reads at once. A refused query
        // is looked up as number 0 (in no bucket) and its answer not used.
        var numbers = new long[queries.Count];
        var days = new DateOnly[queries.Count];
        for (var i = 0; i < queries.Count; i++)
        {
            var q = queries[i];
            if (q is null || !DisconnectionIndex.TryParseMsisdn(q.Msisdn, out numbers[i]))
                results[i] = new BatchItem(q?.Msisdn, q?.Since, null, new BatchError("invalid_msisdn", "The number must be in E.164 form."));
            else if (!TryParseSince(q.Since, out days[i]))
                results[i] = new BatchItem(q.Msisdn, q.Since, null, new BatchError("invalid_date", "since must be a date (YYYY-MM-DD), not in the future."));
        }
        var answers = new LookupResult?[queries.Count];
        served.Answer(index, numbers, days, register.RegisterStartsOn, answers);
        for (var i = 0; i < queries.Count; i++)
            results[i] ??= new BatchItem(queries[i].Msisdn, queries[i].Since, answers[i] is { } answer ? Text(answer) : NotServed, null);
        meter.Count(http.User.SubjectId(), queries.Count);
        if (body.Receipt == true)
            SignAnswered(results, receipts, registerAsOf);
        return TypedResults.Ok(new BatchResponse(results));
    }

    /// <summary>A receipt for every answered query (a refused query has none), signed on every core: 10,000 signatures take a few hundred ms on one.</summary>
    private static void SignAnswered(BatchItem[] results, LookupReceipts receipts, long registerAsOf) =>
        Parallel.For(0, results.Length, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount }, i =>
        {
            if (results[i] is { Result: { } result, Msisdn: { } msisdn, Since: { } since } item)
                results[i] = item with { Receipt = receipts.Issue(msisdn, since, result, registerAsOf) };
        });

    /// <summary>A calendar date not after tomorrow (partners east of UTC may ask about their today).</summary>
    public static bool TryParseSince(ReadOnlySpan<char> text, out DateOnly day) =>
        DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out day)
        && day <= DateOnly.FromDateTime(DateTime.UtcNow).AddDays(1);

    public static ProblemHttpResult NotReady(HttpContext http)
    {
        http.Response.Headers.RetryAfter = "5";
        return Problems.Create(StatusCodes.Status503ServiceUnavailable, "register_loading", "The register is still loading; try again in a few seconds.");
    }
}
