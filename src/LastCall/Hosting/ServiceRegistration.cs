using LastCall.Data;
using LastCall.Features.Imports;
using LastCall.Security;
using LastCall.Web;
using Microsoft.EntityFrameworkCore;

namespace LastCall.Hosting;

public static class ServiceRegistration
{
    /// <summary>Everything the server and the command-line verbs share.</summary>
    public static LastCallSettings AddLastCall(this WebApplicationBuilder builder)
    {
        var settings = LastCallSettings.From(builder.Configuration);
        var services = builder.Services;
        services.AddSingleton(settings);
        services.AddSingleton(TimeProvider.System);

        services.AddDbContextFactory<AppDbContext>(o => o.UseLastCallDatabase(settings.Provider, settings.ConnectionString));
        services.AddScoped(sp => sp.GetRequiredService<IDbContextFactory<AppDbContext>>().CreateDbContext());

        services.AddSingleton(_ => KeyRing.FromConfiguredOrDevelopmentKey(
            builder.Configuration["Security:MasterKey"],
            settings.Provider == DatabaseProvider.Sqlite ? settings.DataFolder : null));
        services.AddSingleton<IdNumberProtector>();

        services.AddSingleton<DatabaseInitializer>();
        services.AddHostedService<StartupTasks>();
        services.AddTransient<SubscriberImporter>();

        services.AddLastCallProblemDetails();
        services.AddOpenApi();
        services.AddHealthChecks().AddCheck<DatabaseHealthCheck>("database", tags: ["ready"]);
        return settings;
    }
}
