using LastCall.Data;
using LastCall.Features.Imports;
using LastCall.Security;
using LastCall.Web;
using Microsoft.EntityFrameworkCore;

namespace LastCall.Hosting;

public static class ServiceRegistration
{
    /// <summary>
    /// Everything the server and the command-line verbs share. Settings are read from configuration
    /// when first needed, not while services are registered, so test hosts can supply their own.
    /// </summary>
    public static void AddLastCall(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddSingleton(sp => LastCallSettings.From(sp.GetRequiredService<IConfiguration>()));
        services.AddSingleton(TimeProvider.System);

        services.AddDbContextFactory<AppDbContext>((sp, o) =>
        {
            var settings = sp.GetRequiredService<LastCallSettings>();
            o.UseLastCallDatabase(settings.Provider, settings.ConnectionString);
        });
        services.AddScoped(sp => sp.GetRequiredService<IDbContextFactory<AppDbContext>>().CreateDbContext());

        services.AddSingleton(sp =>
        {
            var settings = sp.GetRequiredService<LastCallSettings>();
            return KeyRing.FromConfiguredOrDevelopmentKey(
                sp.GetRequiredService<IConfiguration>()["Security:MasterKey"],
                settings.Provider == DatabaseProvider.Sqlite ? settings.DataFolder : null);
        });
        services.AddSingleton<IdNumberProtector>();

        services.AddSingleton<DatabaseInitializer>();
        services.AddHostedService<StartupTasks>();
        services.AddTransient<SubscriberImporter>();

        services.AddLastCallProblemDetails();
        services.AddOpenApi(o => o.AddDocumentTransformer((document, _, _) =>
        {
            document.Info.Title = "LastCall API";
            document.Info.Description = "Cancel eSIM numbers safely, and ask whether a number was disconnected since a date. The contract is API.md.";
            return Task.CompletedTask;
        }));
        services.AddHealthChecks().AddCheck<DatabaseHealthCheck>("database", tags: ["ready"]);
    }
}
