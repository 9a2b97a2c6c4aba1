using LastCall.Auditing;
using LastCall.Data;
using LastCall.Domain.Identity;
using LastCall.Features.Admin;
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

    /// <summary>Demo staff accounts: fixed passwords, created only with the demo data, listed in README.md.</summary>
    public static readonly IReadOnlyList<CreateStaff.Request> DemoStaff =
    [
        new("admin", "demo-admin-2026", [StaffRoles.Admin], null),
        new("supervisor", "demo-supervisor-2026", [StaffRoles.Supervisor], null),
        new("reviewer", "demo-reviewer-2026", [StaffRoles.Reviewer], null),
        new("clerk.bj", "demo-clerk-bj-2026", [StaffRoles.Clerk], "BJ-001"),
        new("clerk.sh", "demo-clerk-sh-2026", [StaffRoles.Clerk], "SH-001"),
        new("agent", "demo-agent-2026", [StaffRoles.Agent], null),
    ];

    public static async Task LoadIfEmptyAsync(IServiceProvider services, CancellationToken cancellationToken)
    {
        var logger = services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(DemoDataLoader));
        await EnsureDemoStaffAsync(services, logger, cancellationToken);
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
        await using var scope = services.CreateAsyncScope();
        var audit = scope.ServiceProvider.GetRequiredService<AuditTrail>();
        audit.Record("subscribers.imported", null, after: new { source = "demo_data", file = Path.GetFileName(SubscribersFile), summary.Imported, rejected = summary.RejectedCount });
        await scope.ServiceProvider.GetRequiredService<AppDbContext>().SaveChangesAsync(cancellationToken);
    }

    private static async Task EnsureDemoStaffAsync(IServiceProvider services, ILogger logger, CancellationToken cancellationToken)
    {
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        var create = scope.ServiceProvider.GetRequiredService<CreateStaff>();
        foreach (var account in DemoStaff)
        {
            if (!await db.StaffMembers.AnyAsync(s => s.Username == account.Username, cancellationToken))
                await create.CreateAsync(account, cancellationToken);
        }
        logger.LogWarning("DEMO staff accounts (demo data only, never in production): {Accounts}",
            string.Join("; ", DemoStaff.Select(a => $"{a.Username} / {a.Password} ({string.Join(",", a.Roles!)}{(a.StoreId is null ? "" : " at " + a.StoreId)})")));
    }
}
