using LastCall.Data;
using LastCall.Features.Imports;
using Microsoft.EntityFrameworkCore;

namespace LastCall.DemoData;

/// <summary>
/// Loads DemoData/subscribers.csv into an empty database on first start of the embedded default, so
/// the product can be tried at once. README.md (Demo data) lists the numbers and service passwords.
/// </summary>
public static class DemoDataLoader
{
    public static string SubscribersFile => Path.Combine(AppContext.BaseDirectory, "DemoData", "subscribers.csv");

    public static async Task LoadIfEmptyAsync(IServiceProvider services, CancellationToken cancellationToken)
    {
        var logger = services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(DemoDataLoader));
        await using (var db = await services.GetRequiredService<IDbContextFactory<AppDbContext>>().CreateDbContextAsync(cancellationToken))
        {
            if (await db.Lines.AnyAsync(cancellationToken))
                return;
        }
        logger.LogInformation("Empty database: loading the demo subscribers from {File}", SubscribersFile);
        await using var stream = File.OpenRead(SubscribersFile);
        var summary = await services.GetRequiredService<SubscriberImporter>().ImportAsync(
            stream,
            rejection => logger.LogError("Demo data row {Row} rejected: {Code}: {Detail}", rejection.Row, rejection.Code, rejection.Detail),
            cancellationToken: cancellationToken);
        if (summary.FileError is { } error)
            logger.LogError("Demo data file rejected: line {Row}: {Code}: {Detail}", error.Row, error.Code, error.Detail);
        else
            logger.LogInformation("Demo data: {Imported} lines imported", summary.Imported);
    }
}
