using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using LastCall.Domain.Cancellations;
using LastCall.Integrations.Messaging;
using LastCall.TestSupport;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace LastCall.Tests.Integrations.Messaging;

public sealed class MessagingTests(PostgresCluster postgres)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task EnglishCustomer_GetsEnglishCode_ChineseCustomerChinese()
    {
        await using var scenario = await Scenario.StartAsync(postgres);
        var n = TestData.Next();
        var english = TestData.Msisdn(n);
        await scenario.Database.ImportAsync(TestData.Csv(TestData.HeaderWithStatus, TestData.Row(n, name: "Emily Carter") + ",,active,,en,"));

        (await scenario.Anonymous.PostAsJsonAsync("/api/v1/auth/otp", new { msisdn = english }, Ct)).EnsureSuccessStatusCode();
        (await scenario.Anonymous.PostAsJsonAsync("/api/v1/auth/otp", new { msisdn = scenario.CustomerA.Msisdn }, Ct)).EnsureSuccessStatusCode();

        await using var db = scenario.Database.CreateContext();
        var en = await db.SentMessages.SingleAsync(m => m.To == english, Ct);
        var zh = await db.SentMessages.SingleAsync(m => m.To == scenario.CustomerA.Msisdn, Ct);
        Assert.Equal("en", en.Language);
        Assert.Contains("sign-in code", en.Body, StringComparison.Ordinal);
        Assert.Equal("zh-CN", zh.Language);
        Assert.Contains("登录验证码", zh.Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task HttpGateway_ReceivesTheMessage_AndTheDevOutboxIsGone()
    {
        await using var gateway = await FakeGateway.StartAsync(HttpStatusCode.Accepted);
        await using var scenario = await Scenario.StartAsync(postgres, configure: s =>
        {
            s["Messaging:Provider"] = "HttpGateway";
            s["Messaging:Gateway:Url"] = gateway.Url;
            s["Messaging:Gateway:Token"] = "gateway-secret";
        });

        var sent = await scenario.Anonymous.PostAsJsonAsync("/api/v1/auth/otp", new { msisdn = scenario.CustomerA.Msisdn }, Ct);
        var outbox = await scenario.Anonymous.GetAsync("/api/v1/dev/messages", Ct);

        Assert.Equal(HttpStatusCode.Accepted, sent.StatusCode);
        var (authorization, message) = Assert.Single(gateway.Received);
        Assert.Equal("Bearer gateway-secret", authorization);
        Assert.Equal(scenario.CustomerA.Msisdn, message.GetProperty("to").GetString());
        Assert.Equal("sms", message.GetProperty("channel").GetString());
        Assert.Equal("sign_in_code", message.GetProperty("template").GetString());
        Assert.Matches(@"\d{6}", message.GetProperty("body").GetString());
        Assert.Equal(HttpStatusCode.NotFound, outbox.StatusCode);
        await using var db = scenario.Database.CreateContext();
        Assert.Equal(0, await db.SentMessages.CountAsync(Ct));
    }

    [Fact]
    public async Task HttpGatewayFailing_Is503MessagingUnavailable()
    {
        await using var gateway = await FakeGateway.StartAsync(HttpStatusCode.InternalServerError);
        await using var scenario = await Scenario.StartAsync(postgres, configure: s =>
        {
            s["Messaging:Provider"] = "HttpGateway";
            s["Messaging:Gateway:Url"] = gateway.Url;
        });

        var response = await scenario.Anonymous.PostAsJsonAsync("/api/v1/auth/otp", new { msisdn = scenario.CustomerA.Msisdn }, Ct);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal("messaging_unavailable", (await response.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("code").GetString());
    }

    [Fact]
    public void ExecutionWaitsLongerForAnApprovalsNotice_ThanTheGatewayMayTakeToSendIt()
    {
        // The approval sends an SMS and an e-mail one after the other, then records them; a worker that stopped waiting
        // before that would send the notice a second time.
        Assert.True(CancellationRequest.ApprovalNoticeWait > 2 * HttpGatewaySender.SendTimeout + TimeSpan.FromSeconds(5),
            $"{CancellationRequest.ApprovalNoticeWait} against a gateway timeout of {HttpGatewaySender.SendTimeout} per message");
    }

    [Fact]
    public async Task AMessageAskedFor_GoesOut_EvenWhenItsCallerHasStoppedWaiting()
    {
        // A handler sends after its commit: a client that hangs up then must not unsend what the change tells the customer.
        await using var gateway = await FakeGateway.StartAsync(HttpStatusCode.Accepted);
        using var http = new HttpClient { Timeout = HttpGatewaySender.SendTimeout };
        var sender = new HttpGatewaySender(http, new MessagingSettings { Provider = HttpGatewaySender.ProviderName, Gateway = { Url = gateway.Url } });

        await sender.SendAsync(MessageTexts.Sms("service_password_changed", "+8613900000001", "zh-CN", "139****0001"), new CancellationToken(canceled: true));

        var (_, message) = Assert.Single(gateway.Received);
        Assert.Equal("service_password_changed", message.GetProperty("template").GetString());
    }

    /// <summary>A stand-in for the operator's SMS gateway on a loopback port, recording what it receives.</summary>
    private sealed class FakeGateway : IAsyncDisposable
    {
        private readonly WebApplication _app;

        private FakeGateway(WebApplication app, string url)
        {
            _app = app;
            Url = url;
        }

        public string Url { get; }

        public ConcurrentQueue<(string? Authorization, JsonElement Message)> Received { get; } = new();

        public static async Task<FakeGateway> StartAsync(HttpStatusCode answer)
        {
            var builder = WebApplication.CreateSlimBuilder();
            builder.WebHost.UseUrls("http://127.0.0.1:0");
            var app = builder.Build();
            FakeGateway? self = null;
            app.MapPost("/send", async (HttpContext http) =>
            {
                var message = await http.Request.ReadFromJsonAsync<JsonElement>();
                self!.Received.Enqueue((http.Request.Headers.Authorization.ToString(), message));
                return Results.StatusCode((int)answer);
            });
            await app.StartAsync();
            var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
            self = new FakeGateway(app, address + "/send");
            return self;
        }

        public async ValueTask DisposeAsync() => await _app.DisposeAsync();
    }
}
