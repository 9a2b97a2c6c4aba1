using LastCall.Auditing;
using LastCall.Data;
using LastCall.Features.Auth;
using LastCall.Features.Cancellations;
using LastCall.Features.Certificates;
using LastCall.Features.Documents;
using LastCall.Features.Execution;
using LastCall.Integrations.Billing;
using LastCall.Integrations.Network;
using LastCall.Integrations.Smdp;
using LastCall.Jobs;
using LastCall.Features.Lines;
using LastCall.Integrations.Messaging;
using LastCall.Features.Imports;
using LastCall.Features.Lookup;
using LastCall.Features.Webhooks;
using LastCall.Security;
using LastCall.Web;
using LastCall.Web.OpenApi;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.Options;

namespace LastCall.Hosting;

public static class ServiceRegistration
{
    public const long MaxRequestBodyBytes = 1024 * 1024;

    /// <summary>The sender named by <c>Messaging:Provider</c>, chosen when first needed.</summary>
    private static void AddMessaging(this IServiceCollection services)
    {
        services.AddSettings<MessagingSettings>("Messaging");
        services.AddSingleton<DevelopmentOutboxSender>();
        services.AddHttpClient<HttpGatewaySender>(c => c.Timeout = HttpGatewaySender.SendTimeout);
        services.AddTransient<IMessageSender>(sp => sp.GetRequiredService<MessagingSettings>().Provider == HttpGatewaySender.ProviderName
            ? sp.GetRequiredService<HttpGatewaySender>()
            : sp.GetRequiredService<DevelopmentOutboxSender>());
    }

    /// <summary>
    /// Flow 5: the integrations (the embedded simulators in the default), the steps and the claims; the
    /// worker that runs them is among the <see cref="AddJobs">jobs</see>.
    /// </summary>
    private static void AddExecution(this IServiceCollection services, ConfigurationManager configuration)
    {
        services.AddSingleton<EmbeddedSimulators>();
        services.AddHostedService(sp => sp.GetRequiredService<EmbeddedSimulators>());
        services.AddSmdpClient(configuration.GetSection(SmdpOptions.SectionName));
        services.AddOptions<SmdpOptions>().PostConfigure<EmbeddedSimulators>((o, simulators) =>
        {
            if (simulators.SmdpBaseUrl is { } url)
                o.BaseUrl = url;
        });

        services.AddBillingClient(configuration.GetSection("BillingSystem"));
        services.AddNetworkClient(configuration.GetSection("NetworkProvisioning"));
        services.AddOptions<BillingSystemOptions>().PostConfigure<EmbeddedSimulators>((o, simulators) =>
        {
            if (simulators.BackendsBaseUrl is { } url)
                o.BaseUrl = url;
        });
        services.AddOptions<NetworkProvisioningOptions>().PostConfigure<EmbeddedSimulators>((o, simulators) =>
        {
            if (simulators.BackendsBaseUrl is { } url)
                o.BaseUrl = url;
        });
        services.AddScoped<ISmdpNotificationSink, ProfileProgressSink>();
        services.AddSingleton<SmdpCallbackGuard>();
        services.AddSettings<ExecutionSettings>("Execution").PostConfigure<LastCallSettings>((execution, host) => execution.DefaultConcurrencyFor(host.Provider));
        services.AddSingleton<ExecutionClaims>();
        services.AddSingleton<ExecutionSignal>();
        services.AddScoped<ExecutionRunner>();
        services.AddScoped<IExecutionStep, FinalBillStep>();
        services.AddScoped<IExecutionStep, ReleaseProfilesStep>();
        services.AddScoped<IExecutionStep, DeprovisionNetworkStep>();
        services.AddScoped<IExecutionStep, DisconnectStep>();
        services.AddScoped<IExecutionStep, IssueCertificateStep>();
        services.AddScoped<IExecutionStep, HandOverNumberStep>();
        services.TraceSteps();
        services.AddSingleton(sp =>
        {
            var settings = sp.GetRequiredService<LastCallSettings>();
            return CertificateSigner.FromConfiguration(sp.GetRequiredService<IConfiguration>(), settings.Provider == DatabaseProvider.Sqlite ? settings.DataFolder : null);
        });
    }

    /// <summary>Partner webhooks: secrets, the SSRF guard, the signed sender and the claims (the delivery worker is a job).</summary>
    private static void AddWebhooks(this IServiceCollection services)
    {
        services.AddSettings<WebhookSettings>("Webhooks").PostConfigure<IConfiguration, IHostEnvironment>((webhooks, configuration, environment) =>
            webhooks.Complete(configuration["Webhooks:AllowedHosts"], environment.IsDevelopment()));
        services.AddSingleton<WebhookSecrets>();
        services.AddSingleton<WebhookUrlGuard>();
        WebhookSender.Configure(services);
        services.AddSingleton<WebhookSender>();
        services.AddSingleton<WebhookClaims>();
        services.AddScoped<DeliveryRunner>();
    }

    /// <summary>
    /// The background jobs (Jobs/): the workers that claim cancellations and webhook deliveries, and the
    /// periodic jobs. Registered after the start-up tasks and the simulators, which start first and stop last.
    /// Periodic jobs are singletons too, so tests and tools can run a pass.
    /// </summary>
    private static void AddJobs(this IServiceCollection services)
    {
        services.AddSettings<AuditSettings>("Audit");
        services.AddHostedService<AuditSealing>();
        services.AddHostedService<ExecutionWorker>();
        services.AddHostedService<WebhookDeliveryWorker>();
        services.AddPeriodicJob<RecyclingNotices>(batchSize: 200);
        services.AddPeriodicJob<NumberAging>(batchSize: 500);
        services.AddSettings<Features.Recycling.RecyclingSettings>("Numbers");
        services.AddPeriodicJob<SuspensionExpiry>(batchSize: 500);
        services.AddPeriodicJob<IdempotencyCleanup>(batchSize: 5000);
    }

    /// <summary>A periodic job with its settings under <c>Jobs:{job's class name}</c>, <paramref name="batchSize"/> unless configured.</summary>
    private static void AddPeriodicJob<TJob>(this IServiceCollection services, int batchSize)
        where TJob : PeriodicJob
    {
        services.AddNamedSettings<PeriodicJobSettings>(typeof(TJob).Name, $"Jobs:{typeof(TJob).Name}", s => s.BatchSize = batchSize);
        services.AddSingleton<TJob>();
        services.AddHostedService(sp => sp.GetRequiredService<TJob>());
    }

    /// <summary>
    /// Everything the server and the command-line verbs share. Settings are read from configuration
    /// when first needed, not while services are registered, so test hosts can supply their own.
    /// </summary>
    private static readonly UnauditedChangeRefusal UnauditedChange = new();

    public static void AddLastCall(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        // Bound from the configuration root: its keys live in several small sections (LastCallOptions).
        services.AddOptions<LastCallOptions>().Configure<IConfiguration>((options, configuration) => configuration.Bind(options))
            .ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton(sp => LastCallSettings.From(sp.GetRequiredService<IOptions<LastCallOptions>>().Value));
        services.AddSingleton(TimeProvider.System);
        services.AddSettings<PolicyOptions>("Policies");
        services.AddSingleton(sp => PolicySettings.From(sp.GetRequiredService<PolicyOptions>(), sp.GetRequiredService<LastCallSettings>().Currency));

        // Pooled: a context is reset and reused rather than built for each request and each job round, which costs more
        // than many of the queries it runs (its internal services are resolved anew each time).
        services.AddPooledDbContextFactory<AppDbContext>((sp, o) =>
        {
            var settings = sp.GetRequiredService<LastCallSettings>();
            o.UseLastCallDatabase(settings.Provider, settings.ConnectionString);
            // Every save publishes the TMF637 product status changes it makes, as webhook deliveries in the same save.
            o.AddInterceptors(sp.GetRequiredService<Features.Tmf.ProductStateEvents>());
            // A save that changes an aggregate without recording an audit event is refused (a handler's defect).
            o.AddInterceptors(UnauditedChange);
            // Which requests have committed a change, for the idempotency keys (an error after a commit is kept as the answer).
            o.AddInterceptors(sp.GetRequiredService<Web.RequestCommitObserver>());
            // EF Core logs every failed command, query and save as an error with its stack trace, before the
            // exception reaches code that handles it; the handlers log what is unexpected (once), and a database
            // outage is logged once by DatabaseOutage instead of once per request and poll.
            o.ConfigureWarnings(w => w.Log(
                (RelationalEventId.CommandError, LogLevel.Debug),
                (RelationalEventId.ConnectionError, LogLevel.Debug),
                (CoreEventId.QueryIterationFailed, LogLevel.Debug),
                (CoreEventId.SaveChangesFailed, LogLevel.Debug)));
        });
        services.AddScoped(sp => sp.GetRequiredService<IDbContextFactory<AppDbContext>>().CreateDbContext());
        services.AddSingleton<Web.RequestCommitObserver>();

        services.AddSingleton(sp =>
        {
            var settings = sp.GetRequiredService<LastCallSettings>();
            var configuration = sp.GetRequiredService<IConfiguration>();
            return KeyRing.FromConfiguredOrDevelopmentKey(
                configuration["Security:MasterKey"], configuration["Security:PreviousMasterKeys"],
                settings.Provider == DatabaseProvider.Sqlite ? settings.DataFolder : null);
        });
        services.AddSingleton<IdNumberProtector>();
        services.AddSingleton<MasterKeyRotation>();
        services.AddSingleton<AccessTokens>();
        services.AddSingleton<OtpCodes>();
        services.AddSingleton<SignInGuard>();
        services.AddSingleton<PartnerKeyCache>();
        services.AddSettings<OtpSettings>("Security:Otp");
        services.AddSettings<IdempotencySettings>("Idempotency");
        services.AddSettings<RegisterSettings>("Register").PostConfigure<LastCallSettings>((register, host) => register.ResolveSnapshotPath(host.DataFolder));
        services.AddSettings<ServedNumberSettings>("Numbers");
        services.AddSettings<ReceiptSettings>("Receipts");
        services.AddSettings<Features.Porting.PortingSettings>("Porting");
        services.AddSingleton<LookupReceipts>();
        services.AddSingleton<AuditChainKey>();
        services.AddSingleton<AuditChainSealer>();
        services.AddSingleton<Features.Tmf.ProductStateEvents>();
        services.AddSingleton<AuditChainVerifier>();
        services.AddHttpContextAccessor();
        services.AddSingleton<CurrentActor>();
        services.AddScoped<AuditTrail>();
        services.AddScoped<LineAccess>();
        services.AddScoped<EligibilityCheck>();
        services.AddSingleton<DocumentStore>();
        services.AddScoped<CancellationAccess>();
        services.AddScoped<CancellationNotices>();
        // Use cases as injectable handlers (decision 0006), for the endpoint and the pages alike.
        Features.UseCaseRegistration.AddUseCases(services);
        services.AddSettings<Features.Reports.ReportSettings>("Reports");
        services.AddSingleton<Features.Reports.ReportStore>();
        services.AddScoped<OneTimeCodes>();
        services.AddScoped<LineHolderCheck>();
        services.AddMessaging();
        services.AddLastCallAuthentication();
        services.AddSettings<PartnerSettings>("Partners");
        services.AddSingleton<PartnerRateLimit>();
        // 1 MB for every body unless an endpoint says otherwise (imports, documents).
        builder.WebHost.ConfigureKestrel(k => k.Limits.MaxRequestBodySize = MaxRequestBodyBytes);

        services.AddSingleton<DatabaseOutage>();
        services.AddHostedService(sp => sp.GetRequiredService<DatabaseOutage>());
        services.AddSingleton<DatabaseInitializer>();
        services.AddHostedService<StartupTasks>();
        services.AddExecution(builder.Configuration);
        services.AddSingleton<RegisterIndexService>();
        services.AddHostedService(sp => sp.GetRequiredService<RegisterIndexService>());
        services.AddSingleton<ServedNumbers>();
        services.AddHostedService(sp => sp.GetRequiredService<ServedNumbers>());
        services.AddSingleton<Features.Operations.OperatorMetrics>();
        services.AddSingleton<PartnerMeter>();
        services.AddHostedService(sp => sp.GetRequiredService<PartnerMeter>());
        services.AddWebhooks();
        services.AddJobs();
        services.AddTransient<SubscriberImporter>();
        services.AddSettings<ImportSettings>("Import");
        services.AddTransient<DisconnectionImporter>();

        builder.AddLastCallTracing();
        services.AddLastCallProblemDetails();
        services.AddLastCallOpenApi();
        services.AddSingleton<GracefulShutdown>();
        services.AddHostedService(sp => sp.GetRequiredService<GracefulShutdown>());
        services.AddSettings<ShutdownSettings>("Shutdown");
        services.AddOptions<HostOptions>().Configure<ShutdownSettings>((host, shutdown) => host.ShutdownTimeout = shutdown.Timeout);
        // Ready: every route can answer. The database answers, the register is in memory, and the instance is not draining.
        services.AddHealthChecks()
            .AddCheck<DatabaseHealthCheck>("database", tags: ["ready"])
            .AddCheck<RegisterIndexHealthCheck>("register", tags: ["ready"])
            .AddCheck<GracefulShutdown>("shutdown", tags: ["ready"]);
    }
}
