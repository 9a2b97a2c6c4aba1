using System.Security.Cryptography;
using System.Text;
using LastCall.Auditing;
using LastCall.Data;
using LastCall.Domain.Common;
using Microsoft.EntityFrameworkCore;

namespace LastCall.Web;

/// <summary>
/// Idempotency-Key on state-changing POSTs (API.md; IETF httpapi idempotency draft): the first request
/// with a key runs and its answer is kept for 24 hours; the same key with the same request gets that
/// answer again (header <c>Idempotent-Replayed: true</c>), with another request 422
/// <c>idempotency_key_reused</c>, and while the first is still running 409 <c>idempotency_in_progress</c>.
/// Keys belong to the caller, so callers cannot see each other's answers. A server error before the request committed
/// anything is not kept, so a retry after it runs again; one after a commit (<see cref="RequestCommits"/>) is the
/// request's answer like any other and is replayed, since running the request again would repeat its change, except a
/// 503, which tells the client to try again (the retry runs, and the domain refuses what is already done).
/// </summary>
public sealed class IdempotencyMiddleware(RequestDelegate next, IDbContextFactory<AppDbContext> contexts, TimeProvider clock, IdempotencySettings settings, ILogger<IdempotencyMiddleware> logger)
{
    public const string HeaderName = "Idempotency-Key";
    public const int MaxKeyLength = 200;

    private readonly TimeSpan _keepFor = settings.KeepFor;

    public async Task InvokeAsync(HttpContext context)
    {
        if (!HttpMethods.IsPost(context.Request.Method)
            || !(context.Request.Path.StartsWithSegments("/api", StringComparison.OrdinalIgnoreCase)
                || context.Request.Path.StartsWithSegments("/tmf-api", StringComparison.OrdinalIgnoreCase))
            || !context.Request.Headers.TryGetValue(HeaderName, out var values))
        {
            await next(context);
            return;
        }
        var key = values.ToString();
        if (key.Length is 0 or > MaxKeyLength || key.Any(char.IsControl))
        {
            await WriteProblemAsync(context, ErrorResponses.Problem(Fail.Validation(HeaderName, "invalid_idempotency_key", $"{HeaderName} has 1 to {MaxKeyLength} printable characters.")));
            return;
        }

        var scope = context.User.Identity?.IsAuthenticated == true
            ? CurrentActor.Describe(context.User)
            : "anonymous:" + context.Connection.RemoteIpAddress;
        var requestHash = await HashRequestAsync(context.Request);
        var now = clock.GetUtcNow();

        await using var db = await contexts.CreateDbContextAsync(context.RequestAborted);
        var record = IdempotencyRecord.Begin(scope, key, requestHash, now, _keepFor);
        if (!await TryClaimAsync(db, record, now, context.RequestAborted))
        {
            var existing = await db.IdempotencyRecords.AsNoTracking().FirstOrDefaultAsync(r => r.Scope == scope && r.Key == key, context.RequestAborted);
            if (existing is null)
                await WriteProblemAsync(context, ErrorResponses.Problem(Fail.Conflict("idempotency_in_progress", "A request with this Idempotency-Key is being handled; retry shortly.")));
            else if (existing.RequestHash != requestHash)
                await WriteProblemAsync(context, ErrorResponses.Problem(Fail.Unprocessable("idempotency_key_reused", "This Idempotency-Key was used for a different request.")));
            else if (!existing.Completed)
                await WriteProblemAsync(context, ErrorResponses.Problem(Fail.Conflict("idempotency_in_progress", "The first request with this Idempotency-Key is still running; retry shortly.")));
            else
                await ReplayAsync(context, existing);
            return;
        }

        var original = context.Response.Body;
        using var captured = new MemoryStream();
        context.Response.Body = captured;
        using var finished = new CancellationTokenSource();
        Task alive;
        // The keep-alive's own updates are not the request's commits: its continuations run without the request's flow.
        using (ExecutionContext.SuppressFlow())
            alive = KeepAliveAsync(scope, key, finished.Token);
        var commits = new RequestCommits();
        context.Features.Set(commits);
        try
        {
            try
            {
                await next(context);
            }
            catch (Exception e) when (commits.Any && !context.Response.HasStarted && !context.RequestAborted.IsCancellationRequested)
            {
                // The change is made: the error's answer, written as the exception handler writes it, is kept below. (A client
                // that hung up is not answered: its retry runs again, as before any commit.)
                captured.SetLength(0);
                if (!await AnswerErrorAsync(context, e))
                    throw;
            }
        }
        catch
        {
            await ForgetAsync(db, record);
            throw;
        }
        finally
        {
            context.Response.Body = original;
            await finished.CancelAsync();
            await alive;
        }
        // A server error is kept only after a commit, and a 503 never: it asks the client to try again, and the retry runs.
        var status = context.Response.StatusCode;
        if (status >= 500 && (!commits.Any || status == StatusCodes.Status503ServiceUnavailable))
            await ForgetAsync(db, record);
        else
        {
            // The answer is recorded before it is sent: a client that loses it (a dropped connection while the body is
            // written) and retries gets it replayed, instead of a 409 and, once the record counts as abandoned, a second run.
            record.Complete(context.Response.StatusCode, context.Response.ContentType, context.Response.Headers.Location.ToString() is { Length: > 0 } l ? l : null, captured.ToArray());
            try
            {
                await db.SaveChangesAsync(CancellationToken.None);
            }
            catch (Exception e) when (e is DbUpdateException || Hosting.DatabaseOutage.IsUnavailable(e))
            {
                // The request's work is done: its answer still goes out; only a retry's replay is lost (it sees the key
                // in progress, then runs again once the record counts as abandoned).
                logger.LogWarning(e, "The answer to an idempotent request could not be kept for replay");
            }
        }
        captured.Position = 0;
        await captured.CopyToAsync(original, context.RequestAborted);
    }

    /// <summary>
    /// An unfinished record not kept alive for this long was abandoned (its instance was killed, or lost the database): a
    /// retry takes it over. A request still running keeps it alive every quarter of this (<see cref="KeepAliveAsync"/>).
    /// </summary>
    private static readonly TimeSpan AbandonedAfter = TimeSpan.FromMinutes(2);

    /// <summary>
    /// While the request runs, moves its unfinished record's <c>CreatedAt</c> to now every quarter of
    /// <see cref="AbandonedAfter"/>, so that a request that runs long (a large subscriber import) is seen in progress by a
    /// retry, never as abandoned and run a second time beside it. On its own context: the request's is not thread-safe. A
    /// failed beat (a database blip) is logged and the next one tries again.
    /// </summary>
    private async Task KeepAliveAsync(string scope, string key, CancellationToken finished)
    {
        using var beat = new PeriodicTimer(AbandonedAfter / 4, clock);
        try
        {
            while (await beat.WaitForNextTickAsync(finished))
            {
                try
                {
                    await using var db = await contexts.CreateDbContextAsync(finished);
                    var now = clock.GetUtcNow();
                    await db.IdempotencyRecords.Where(r => r.Scope == scope && r.Key == key && !r.Completed)
                        .ExecuteUpdateAsync(set => set.SetProperty(r => r.CreatedAt, now), finished);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    logger.LogWarning(e, "An idempotent request still running could not keep its record alive");
                }
            }
        }
        catch (OperationCanceledException) when (finished.IsCancellationRequested)
        {
            // The request has finished.
        }
    }

    /// <summary>Inserts the record; the primary key makes exactly one of several concurrent inserts win. An expired record is replaced.</summary>
    private static async Task<bool> TryClaimAsync(AppDbContext db, IdempotencyRecord record, DateTimeOffset now, CancellationToken ct)
    {
        db.IdempotencyRecords.Add(record);
        try
        {
            await db.SaveChangesAsync(ct);
            return true;
        }
        catch (DbUpdateException)
        {
            db.ChangeTracker.Clear();
        }
        // A record that expired, or whose request never finished (its instance was killed, or lost the database
        // before it could record the answer), is taken over; otherwise a retry after an outage would be refused for a day.
        var abandonedBefore = now - AbandonedAfter;
        var expired = await db.IdempotencyRecords
            .Where(r => r.Scope == record.Scope && r.Key == record.Key && (r.ExpiresAt < now || (!r.Completed && r.CreatedAt < abandonedBefore)))
            .ExecuteDeleteAsync(ct);
        if (expired == 0)
            return false;
        db.IdempotencyRecords.Add(record);
        try
        {
            await db.SaveChangesAsync(ct);
            return true;
        }
        catch (DbUpdateException)
        {
            db.ChangeTracker.Clear();
            return false;
        }
    }

    private static async Task ForgetAsync(AppDbContext db, IdempotencyRecord record)
    {
        db.ChangeTracker.Clear();
        await db.IdempotencyRecords.Where(r => r.Scope == record.Scope && r.Key == record.Key).ExecuteDeleteAsync(CancellationToken.None);
    }

    /// <summary>Writes the problem the host's exception handlers write for <paramref name="error"/>; false when none does.</summary>
    private static async Task<bool> AnswerErrorAsync(HttpContext context, Exception error)
    {
        context.Response.Clear();
        foreach (var handler in context.RequestServices.GetServices<Microsoft.AspNetCore.Diagnostics.IExceptionHandler>())
        {
            if (await handler.TryHandleAsync(context, error, context.RequestAborted))
                return true;
        }
        return false;
    }

    private static async Task<string> HashRequestAsync(HttpRequest request)
    {
        request.EnableBuffering();
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData(Encoding.UTF8.GetBytes($"{request.Method} {request.Path}{request.QueryString}\n"));
        var buffer = new byte[16 * 1024];
        int read;
        while ((read = await request.Body.ReadAsync(buffer, request.HttpContext.RequestAborted)) > 0)
            hash.AppendData(buffer, 0, read);
        request.Body.Position = 0;
        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    private static async Task ReplayAsync(HttpContext context, IdempotencyRecord existing)
    {
        context.Response.StatusCode = existing.StatusCode;
        if (existing.ContentType is not null)
            context.Response.ContentType = existing.ContentType;
        if (existing.Location is not null)
            context.Response.Headers.Location = existing.Location;
        context.Response.Headers["Idempotent-Replayed"] = "true";
        if (existing.Body is { Length: > 0 } body)
            await context.Response.Body.WriteAsync(body, context.RequestAborted);
    }

    private static Task WriteProblemAsync(HttpContext context, Microsoft.AspNetCore.Http.HttpResults.ProblemHttpResult problem) => problem.ExecuteAsync(context);
}
