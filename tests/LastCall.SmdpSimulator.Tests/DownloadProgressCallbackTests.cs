using System.Collections.Concurrent;
using System.Net;
using System.Text;
using System.Text.Json;
using LastCall.Integrations.Smdp;
using LastCall.SmdpSimulator.Admin;
using LastCall.SmdpSimulator.Profiles;
using LastCall.SmdpSimulator.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace LastCall.SmdpSimulator.Tests;

/// <summary>
/// The inbound direction: the simulator posts handleDownloadProgressInfo to a small operator host that maps
/// <see cref="SmdpCallbackEndpoint"/> with a recording sink.
/// </summary>
public sealed class DownloadProgressCallbackTests : IAsyncLifetime
{
    private readonly RecordingSink _sink = new();
    private WebApplication _operator = null!;
    private Uri _operatorAddress = null!;
    private HttpClient _operatorHttp = null!;
    private SmdpHarness _smdp = null!;

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton<ISmdpNotificationSink>(_sink);
        _operator = builder.Build();
        _operator.Urls.Add("http://127.0.0.1:0");
        SmdpCallbackEndpoint.Map(_operator);
        await _operator.StartAsync(Token);
        _operatorAddress = new Uri(_operator.Urls.First());
        _operatorHttp = new HttpClient { BaseAddress = _operatorAddress };
        _smdp = await SmdpHarness.StartAsync(simulator: new Dictionary<string, string?> { ["Smdp:CallbackUrl"] = _operatorAddress.ToString() });
    }

    public async ValueTask DisposeAsync()
    {
        await _smdp.DisposeAsync();
        _operatorHttp.Dispose();
        await _operator.StopAsync(CancellationToken.None);
        await _operator.DisposeAsync();
    }

    [Fact]
    public async Task Install_ReleasedProfile_NotifiesDownloadThenInstallation()
    {
        var iccid = SmdpHarness.NewIccid();
        var eid = SmdpHarness.NewEid();
        await _smdp.SeedAsync(iccid, ProfileState.Released, eid, profileType: "phone");

        using var response = await _smdp.Http.PostAsJsonAsync($"/simulator/profiles/{iccid}/install", new { }, Token);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var result = (await response.Content.ReadFromJsonAsync<DeviceDownloadResult>(Es2Plus.Es2PlusProtocol.Json, Token))!;
        Assert.Equal(ProfileState.Installed, result.Profile.State);
        Assert.All(result.Notifications, n => Assert.Equal((true, 204), (n.Delivered, n.HttpStatus)));
        var received = _sink.For(iccid);
        Assert.Equal(new[] { 3, 4 }, received.Select(n => n.NotificationPointId));
        Assert.All(received, n =>
        {
            Assert.Equal((eid, "phone", "Executed-Success"), (n.Eid, n.ProfileType, n.NotificationPointStatus.Status));
            Assert.Equal("lastcall-smdp-simulator", n.FunctionRequesterIdentifier);
            Assert.True(Math.Abs((DateTimeOffset.UtcNow - n.Timestamp).TotalMinutes) < 5);
        });
        Assert.Equal(2, received.Select(n => n.FunctionCallIdentifier).Distinct().Count());
    }

    [Fact]
    public async Task Install_UntilError_NotifiesFailedInstallation()
    {
        var iccid = SmdpHarness.NewIccid();
        await _smdp.SeedAsync(iccid, ProfileState.Released, SmdpHarness.NewEid());

        using var response = await _smdp.Http.PostAsJsonAsync($"/simulator/profiles/{iccid}/install", new { until = "Error" }, Token);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(ProfileState.Error, (await _smdp.ProfileAsync(iccid)).State);
        var last = _sink.For(iccid)[^1];
        Assert.Equal((4, "Failed"), (last.NotificationPointId, last.NotificationPointStatus.Status));
        Assert.Equal("8.2.10", last.NotificationPointStatus.StatusCodeData!.SubjectCode);
    }

    [Fact]
    public async Task Install_ProfileNotReleased_409AndNoNotification()
    {
        var iccid = SmdpHarness.NewIccid();
        await _smdp.SeedAsync(iccid, ProfileState.Confirmed);

        using var response = await _smdp.Http.PostAsJsonAsync($"/simulator/profiles/{iccid}/install", new { }, Token);

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        Assert.Empty(_sink.For(iccid));
        Assert.Equal(ProfileState.Confirmed, (await _smdp.ProfileAsync(iccid)).State);
    }

    [Fact]
    public async Task RetireProfile_AfterDeviceInstalledIt_WarnsRetiredLocallyOnly()
    {
        var iccid = SmdpHarness.NewIccid();
        var eid = SmdpHarness.NewEid();
        await _smdp.SeedAsync(iccid, ProfileState.Available);
        await _smdp.Client.DownloadOrderAsync(SmdpHarness.NewCallId(), eid, iccid, null, Token);
        await _smdp.Client.ConfirmOrderAsync(SmdpHarness.NewCallId(), iccid, eid, releaseFlag: true, cancellationToken: Token);
        (await _smdp.Http.PostAsJsonAsync($"/simulator/profiles/{iccid}/install", new { }, Token)).Dispose();

        var result = await _smdp.Client.RetireProfileAsync(SmdpHarness.NewCallId(), iccid, eid, SmdpProfileState.Released, Token);

        Assert.Equal(2, _sink.For(iccid).Count);
        Assert.Equal((SmdpOutcome.Warning, ProfileRetirement.RetiredLocallyOnly), (result.Outcome, result.Value));
        Assert.Equal(ProfileState.Installed, (await _smdp.ProfileAsync(iccid)).State);
    }

    [Fact]
    public async Task HandleDownloadProgressInfo_MissingAdminProtocol_400Failed()
    {
        using var response = await PostNotificationAsync(Notification(SmdpHarness.NewIccid()), adminProtocol: null);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var status = (await response.Content.ReadFromJsonAsync<JsonElement>(Token)).GetProperty("header").GetProperty("functionExecutionStatus");
        Assert.Equal(("Failed", "1.3.2"), (status.GetProperty("status").GetString(), status.GetProperty("statusCodeData").GetProperty("subjectCode").GetString()));
        Assert.Empty(_sink.All);
    }

    [Fact]
    public async Task HandleDownloadProgressInfo_MalformedJson_400Failed()
    {
        using var response = await PostNotificationAsync("{ not json");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Empty(_sink.All);
    }

    [Theory]
    [InlineData("iccid")]
    [InlineData("profileType")]
    [InlineData("timestamp")]
    [InlineData("notificationPointId")]
    [InlineData("notificationPointStatus")]
    public async Task HandleDownloadProgressInfo_MandatoryElementMissing_FailedAndSinkNotCalled(string element)
    {
        var body = JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(Notification(SmdpHarness.NewIccid()))!;
        body.Remove(element);

        using var response = await PostNotificationAsync(JsonSerializer.Serialize(body));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var code = (await response.Content.ReadFromJsonAsync<JsonElement>(Token)).GetProperty("header").GetProperty("functionExecutionStatus").GetProperty("statusCodeData");
        Assert.Equal(("1.3.1", "2.2", element),
            (code.GetProperty("subjectCode").GetString(), code.GetProperty("reasonCode").GetString(), code.GetProperty("subjectIdentifier").GetString()));
        Assert.Empty(_sink.All);
    }

    [Fact]
    public async Task HandleDownloadProgressInfo_NumberAsString_204AndHandedToSink()
    {
        var iccid = SmdpHarness.NewIccid();

        using var response = await PostNotificationAsync(Notification(iccid).Replace("\"notificationPointId\":4", "\"notificationPointId\":\"4\"", StringComparison.Ordinal));

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.Equal("gsma/rsp/v2.0.0", Assert.Single(response.Headers.GetValues("X-Admin-Protocol")));
        Assert.Equal(4, Assert.Single(_sink.For(iccid)).NotificationPointId);
    }

    private static string Notification(string iccid) => JsonSerializer.Serialize(new Dictionary<string, object>
    {
        ["header"] = new { functionRequesterIdentifier = "smdp", functionCallIdentifier = SmdpHarness.NewCallId() },
        ["eid"] = SmdpHarness.NewEid(),
        ["iccid"] = iccid,
        ["profileType"] = "phone",
        ["timestamp"] = "2026-01-02T03:04:05Z",
        ["notificationPointId"] = 4,
        ["notificationPointStatus"] = new { status = "Executed-Success" },
    });

    private async Task<HttpResponseMessage> PostNotificationAsync(string json, string? adminProtocol = "gsma/rsp/v2.0.0")
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/gsma/rsp2/es2plus/handleDownloadProgressInfo")
        {
            Content = new StringContent(json, Encoding.UTF8, "application/json"),
        };
        if (adminProtocol is not null)
            request.Headers.Add("X-Admin-Protocol", adminProtocol);
        return await _operatorHttp.SendAsync(request, Token);
    }

    /// <summary>The operator's sink, as the host will implement it: here it only remembers.</summary>
    private sealed class RecordingSink : ISmdpNotificationSink
    {
        private readonly ConcurrentQueue<DownloadProgressNotification> _received = new();

        public IReadOnlyList<DownloadProgressNotification> All => [.. _received];

        public IReadOnlyList<DownloadProgressNotification> For(string iccid) => [.. _received.Where(n => n.Iccid == iccid)];

        public Task HandleAsync(DownloadProgressNotification notification, CancellationToken cancellationToken)
        {
            _received.Enqueue(notification);
            return Task.CompletedTask;
        }
    }
}
