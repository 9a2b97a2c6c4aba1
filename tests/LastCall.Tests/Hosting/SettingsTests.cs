using LastCall.Features.Execution;
using LastCall.Features.Webhooks;
using LastCall.Hosting;
using LastCall.Jobs;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace LastCall.Tests.Hosting;

/// <summary>
/// Settings are bound from their sections and checked when the host starts: a wrong value stops the start and names
/// its key, before any hosted service (or the database) is touched; defaults and derived values hold.
/// </summary>
public sealed class SettingsTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static WebApplication Host(Dictionary<string, string?> settings, string environment = "Production")
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = environment });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Database:Provider"] = "Postgres",
            ["ConnectionStrings:LastCall"] = "Host=127.0.0.1;Port=1;Database=never_used",
            ["Security:MasterKey"] = Convert.ToBase64String(new byte[32]),
        });
        builder.Configuration.AddInMemoryCollection(settings);
        builder.AddLastCall();
        return builder.Build();
    }

    [Theory]
    [InlineData("Execution:Concurrency", "65", "Concurrency")]
    [InlineData("Execution:LeaseSeconds", "0", "LeaseSeconds")]
    [InlineData("Webhooks:JitterFraction", "1.5", "JitterFraction")]
    [InlineData("Webhooks:RetryScheduleSeconds:0", "-5", "RetryScheduleSeconds")]
    [InlineData("Jobs:NumberAging:BatchSize", "0", "BatchSize")]
    [InlineData("Jobs:SuspensionExpiry:IntervalMinutes", "0.001", "IntervalMinutes")]
    [InlineData("Reports:MaxRowsPerFile", "2000000", "MaxRowsPerFile")]
    [InlineData("Policies:SuspensionMaxMonths", "0", "SuspensionMaxMonths")]
    [InlineData("Policies:DefaultEffective", "tomorrow", "DefaultEffective")]
    [InlineData("Policies:TimeZone", "Mars/Olympus_Mons", "TimeZone")]
    [InlineData("Policies:CoolingOffHours", "400", "CoolingOffHours")]
    [InlineData("Policies:HolidayCalendarFile", "/no/such/calendar.json", "HolidayCalendarFile")]
    [InlineData("Numbers:QuarantineDays", "10", "QuarantineDays")]
    [InlineData("Numbers:QuarantineDaysByCategory:golden", "30", "Numbers:QuarantineDaysByCategory:golden")]
    [InlineData("Billing:Currency", "yuan", "Currency")]
    [InlineData("Partners:KeyCacheSeconds", "61", "KeyCacheSeconds")]
    [InlineData("Partners:RateLimit:PerSecond", "0", "RateLimit:PerSecond")]
    [InlineData("Audit:SealMilliseconds", "1", "SealMilliseconds")]
    [InlineData("Shutdown:TimeoutSeconds", "0", "TimeoutSeconds")]
    [InlineData("Shutdown:DrainSeconds", "-1", "DrainSeconds")]
    [InlineData("Idempotency:KeepHours", "1", "KeepHours")]
    [InlineData("Register:PollMilliseconds", "0", "PollMilliseconds")]
    [InlineData("Register:SnapshotIntervalMinutes", "0", "SnapshotIntervalMinutes")]
    [InlineData("Register:SnapshotPath", "/tmp", "Register:SnapshotPath")]
    [InlineData("Numbers:Ranges", "+0138,abc", "Numbers:Ranges")]
    [InlineData("Security:Otp:MaxPerHour", "0", "MaxPerHour")]
    [InlineData("Messaging:Provider", "CarrierPigeon", "Provider")]
    [InlineData("Messaging:FraudDeskEmail", "nobody", "FraudDeskEmail")]
    public async Task AWrongValue_StopsTheStart_NamingItsKey(string key, string value, string named)
    {
        // The shutdown timeout is read while the host is built, the rest when it starts: either way it does not run.
        var refused = await Assert.ThrowsAsync<OptionsValidationException>(async () =>
        {
            await using var app = Host(new() { [key] = value });
            await app.StartAsync(Ct);
        });
        Assert.Contains(named, refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheRegisterSnapshot_IsOffByDefault_AndARelativePathLivesInTheDataFolder()
    {
        await using (var app = Host([]))
            Assert.Null(app.Services.GetRequiredService<LastCall.Features.Lookup.RegisterSettings>().SnapshotPath);
        var data = Path.Combine(Path.GetTempPath(), "lastcall-settings-" + Guid.NewGuid().ToString("N")[..8]);
        await using (var app = Host(new() { ["DataFolder"] = data, ["Register:SnapshotPath"] = "register-index.snapshot" }))
        {
            var register = app.Services.GetRequiredService<LastCall.Features.Lookup.RegisterSettings>();
            Assert.Equal(Path.Combine(data, "register-index.snapshot"), register.SnapshotPath);
            Assert.Equal(TimeSpan.FromMinutes(10), register.SnapshotInterval);
        }
    }

    [Fact]
    public async Task Defaults_FollowTheProvider_AndEachJobHasItsOwnBatchSize()
    {
        await using var app = Host(new() { ["Jobs:NumberAging:BatchSize"] = "50", ["Webhooks:AllowedHosts"] = "Receiver.Example:8443, 127.0.0.1:9" });
        var execution = app.Services.GetRequiredService<ExecutionSettings>();
        Assert.Equal(32, execution.Concurrency);
        Assert.Equal(TimeSpan.FromMinutes(2), execution.Lease);

        var jobs = app.Services.GetRequiredService<IOptionsMonitor<PeriodicJobSettings>>();
        Assert.Equal(50, jobs.Get(nameof(NumberAging)).BatchSize);
        Assert.Equal(500, jobs.Get(nameof(SuspensionExpiry)).BatchSize);
        Assert.Equal(5000, jobs.Get(nameof(IdempotencyCleanup)).BatchSize);
        Assert.Equal(TimeSpan.FromHours(1), jobs.Get(nameof(IdempotencyCleanup)).Interval);

        var webhooks = app.Services.GetRequiredService<WebhookSettings>();
        Assert.Equal(["receiver.example:8443", "127.0.0.1:9"], webhooks.AllowedHosts);
        Assert.False(webhooks.AllowHttp);
        Assert.Equal(WebhookSettings.StandardRetryDelays, webhooks.RetryDelays);
        Assert.Equal(TimeSpan.FromSeconds(15), webhooks.Timeout);
    }

    [Fact]
    public async Task OnSqlite_FourRequestsRunAtOnce_AndDevelopmentAllowsPlainHttp()
    {
        var folder = Directory.CreateTempSubdirectory("lastcall-settings-");
        try
        {
            await using var app = Host(new()
            {
                ["Database:Provider"] = "Sqlite",
                ["ConnectionStrings:LastCall"] = "",
                ["DataFolder"] = folder.FullName,
                ["Webhooks:AllowedHosts:0"] = "localhost:5000",
                ["Webhooks:TimeoutMilliseconds"] = "250",
            }, environment: "Development");
            Assert.Equal(4, app.Services.GetRequiredService<ExecutionSettings>().Concurrency);
            var webhooks = app.Services.GetRequiredService<WebhookSettings>();
            Assert.True(webhooks.AllowHttp);
            Assert.Equal(["localhost:5000"], webhooks.AllowedHosts);
            Assert.Equal(TimeSpan.FromMilliseconds(250), webhooks.Timeout);
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task Policies_AreResolvedFromTheirOptions_WithDefaultsAndTheBillingCurrency()
    {
        await using var defaults = Host([]);
        var policies = defaults.Services.GetRequiredService<PolicySettings>();
        Assert.Equal(TimeSpan.FromHours(24), policies.CoolingOff);
        Assert.Equal(LastCall.Domain.Cancellations.EffectivePolicy.Immediate, policies.DefaultEffective);
        Assert.Equal("Asia/Shanghai", policies.TimeZone.Id);
        Assert.Equal("CNY", policies.Currency);
        Assert.NotEmpty(policies.CalendarYears);

        await using var configured = Host(new()
        {
            ["Policies:DefaultEffective"] = "end_of_billing_cycle",
            ["Policies:CoolingOffHours"] = "0",
            ["Billing:Currency"] = "EUR",
            ["Numbers:QuarantineDays"] = "120",
            ["Numbers:QuarantineDaysByCategory:Golden"] = "365",
        });
        policies = configured.Services.GetRequiredService<PolicySettings>();
        Assert.Equal(LastCall.Domain.Cancellations.EffectivePolicy.EndOfBillingCycle, policies.DefaultEffective);
        Assert.Equal(TimeSpan.Zero, policies.CoolingOff);
        Assert.Equal("EUR", policies.Currency);
        var host = configured.Services.GetRequiredService<LastCallSettings>();
        Assert.Equal(120, host.QuarantineFor("standard").Days);
        Assert.Equal(365, host.QuarantineFor("golden").Days);
    }
}
