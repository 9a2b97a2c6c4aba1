using LastCall.Data;
using LastCall.Domain.Common;
using LastCall.Integrations.Messaging;
using LastCall.Web;
using LastCall.Web.OpenApi;
using Microsoft.EntityFrameworkCore;

namespace LastCall.Features.Dev;

/// <summary>
/// GET /api/v1/dev/messages?to=: the development outbox, newest first. It exists only while the
/// development outbox is the messaging provider; with a real provider the route answers 404.
/// </summary>
public sealed class ListSentMessages(IMessageSender sender, AppDbContext db)
{
    public sealed record Message(Guid Id, string Channel, string To, string? Subject, string Body, string Template, string Language, DateTimeOffset SentAt);

    public static void Map(IEndpointRouteBuilder app) =>
        app.MapGet("/api/v1/dev/messages", async (string? to, ListSentMessages list, CancellationToken ct) => (await list.HandleAsync(to, ct)).ToOk())
            .AllowAnonymous()
            .WithTags("Development")
            .Fails(ErrorKind.NotFound)
            .WithSummary("Messages kept by the development outbox (404 with a real messaging provider).");

    public async Task<Result<List<Message>>> HandleAsync(string? to, CancellationToken ct)
    {
        if (sender.Name != DevelopmentOutboxSender.ProviderName)
            return Fail.NotFound("not_found", "There is no development outbox: messages go to a real provider.");
        var query = db.SentMessages.AsNoTracking();
        if (!string.IsNullOrWhiteSpace(to))
        {
            var recipient = to.Trim();
            // A '+' in a query string arrives as a space when the caller did not encode it.
            if (recipient.Length > 0 && char.IsAsciiDigit(recipient[0]) && Msisdn.TryParse("+" + recipient, out var number))
                recipient = number.Value;
            query = query.Where(m => m.To == recipient);
        }
        var messages = await query.OrderByDescending(m => m.SentAt).Take(200).ToListAsync(ct);
        return messages.Select(m => new Message(m.Id, m.Channel.ToString().ToLowerInvariant(), m.To, m.Subject, m.Body, m.Template, m.Language, m.SentAt)).ToList();
    }
}
