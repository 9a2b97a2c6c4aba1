using LastCall.Data;
using LastCall.Domain.Messaging;
using Microsoft.EntityFrameworkCore;

namespace LastCall.Integrations.Messaging;

/// <summary>
/// The embedded default: nothing leaves the machine; every message is kept in the database, where the
/// staff console and <c>GET /api/v1/dev/messages</c> show it.
/// </summary>
public sealed class DevelopmentOutboxSender(IDbContextFactory<AppDbContext> contexts, TimeProvider clock, ILogger<DevelopmentOutboxSender> logger) : IMessageSender
{
    public const string ProviderName = "DevelopmentOutbox";

    public string Name => ProviderName;

    public async Task SendAsync(OutgoingMessage message, CancellationToken cancellationToken)
    {
        // Not the caller's token, as the gateway: a message asked for is kept even if its caller stops waiting.
        await using var db = await contexts.CreateDbContextAsync(CancellationToken.None);
        db.SentMessages.Add(Keep(message, clock.GetUtcNow()));
        await db.SaveChangesAsync(CancellationToken.None);
        logger.LogInformation("Development outbox: {Template} {Channel} message kept for the outbox", message.Template, message.Channel);
    }

    public bool SendsWithTheSave => true;

    public Task SendWithAsync(AppDbContext db, OutgoingMessage message, DateTimeOffset now, CancellationToken cancellationToken)
    {
        db.SentMessages.Add(Keep(message, now));
        return Task.CompletedTask;
    }

    private SentMessage Keep(OutgoingMessage message, DateTimeOffset now) =>
        SentMessage.Record(message.Channel, message.To, message.Subject, message.Body, message.Template, message.Language, Name, now);
}
