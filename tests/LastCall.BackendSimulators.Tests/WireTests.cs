using System.Net;
using System.Text.Json;
using LastCall.BackendSimulators.Billing;
using LastCall.BackendSimulators.Tests.Infrastructure;
using LastCall.BackendSimulators.Wire;

namespace LastCall.BackendSimulators.Tests;

/// <summary>The wire format itself, with hand-made requests: what the real clients never send, and what replays look like.</summary>
public sealed class WireTests(SharedSimulators simulators) : IClassFixture<SharedSimulators>
{
    private readonly BackendHarness _backends = simulators.Harness;
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData("")]
    [InlineData("{}")]
    [InlineData("""{"requestId":"  "}""")]
    [InlineData("""{"requestId":""")]
    public async Task FinalBill_MissingRequestIdOrBadJson_400InvalidRequestAndNothingApplied(string json)
    {
        var msisdn = BackendHarness.NewMsisdn();
        await _backends.SeedAccountAsync(msisdn, balance: 10m);

        using var response = await _backends.PostRawAsync(FinalBillPath(msisdn), json);

        await AssertErrorAsync(response, HttpStatusCode.BadRequest, ErrorCodes.InvalidRequest);
        Assert.Equal(AccountStatus.Open, (await _backends.AccountAsync(msisdn)).Status);
    }

    [Theory]
    [InlineData("/billing/v1/accounts/8613900000000/final-bill")]
    [InlineData("/billing/v1/accounts/+0613900000000/refunds")]
    [InlineData("/network/v1/subscriptions/+86139abc00000/deprovision")]
    [InlineData("/network/v1/subscriptions/+1234567/deprovision")]
    public async Task Operation_NotE164Msisdn_400InvalidMsisdn(string path)
    {
        using var response = await _backends.PostRawAsync(path, """{"requestId":"r-1","amount":1}""");

        await AssertErrorAsync(response, HttpStatusCode.BadRequest, ErrorCodes.InvalidMsisdn);
    }

    [Theory]
    [InlineData("""{"requestId":"r-1"}""", ErrorCodes.InvalidAmount)]
    [InlineData("""{"requestId":"r-1","amount":0}""", ErrorCodes.InvalidAmount)]
    [InlineData("""{"requestId":"r-1","amount":-5}""", ErrorCodes.InvalidAmount)]
    [InlineData("""{"requestId":"r-1","amount":1.234}""", ErrorCodes.InvalidAmount)]
    [InlineData("""{"requestId":"r-1","amount":1,"currency":"cny"}""", ErrorCodes.InvalidCurrency)]
    public async Task Refund_InvalidAmountOrCurrency_400AndNothingPaid(string json, string code)
    {
        var msisdn = BackendHarness.NewMsisdn();
        await _backends.SeedAccountAsync(msisdn, balance: 10m);
        await CloseAsync(msisdn);

        using var response = await _backends.PostRawAsync(RefundPath(msisdn), json);

        await AssertErrorAsync(response, HttpStatusCode.BadRequest, code);
        Assert.Equal(10m, (await _backends.AccountAsync(msisdn)).RefundDue);
    }

    [Fact]
    public async Task FinalBill_Replayed_SameBytesAndIdempotentReplayedHeader()
    {
        var msisdn = BackendHarness.NewMsisdn();
        await _backends.SeedAccountAsync(msisdn, balance: 30m, unbilledUsage: 12.3m, deposit: 20m);
        var body = $$"""{"requestId":"{{BackendHarness.NewRequestId()}}"}""";

        using var first = await _backends.PostRawAsync(FinalBillPath(msisdn), body);
        using var replay = await _backends.PostRawAsync(FinalBillPath(msisdn), body);

        Assert.Equal((HttpStatusCode.OK, HttpStatusCode.OK), (first.StatusCode, replay.StatusCode));
        Assert.False(first.Headers.Contains(WireProtocol.ReplayedHeader));
        Assert.Equal("true", Assert.Single(replay.Headers.GetValues(WireProtocol.ReplayedHeader)));
        var json = await first.Content.ReadAsStringAsync(Token);
        Assert.Equal(json, await replay.Content.ReadAsStringAsync(Token));
        using var document = JsonDocument.Parse(json);
        var root = document.RootElement;
        Assert.Equal(msisdn, root.GetProperty("msisdn").GetString());
        Assert.Equal(("12.30", "37.70", "0.00", "CNY"),
            (root.GetProperty("finalBillAmount").GetRawText(), root.GetProperty("refundAmount").GetRawText(), root.GetProperty("amountDue").GetRawText(), root.GetProperty("currency").GetString()));
        Assert.True(root.TryGetProperty("closedAt", out _));
    }

    [Fact]
    public async Task Refund_SameAmountWrittenDifferently_SameRequestAndReplayed()
    {
        var msisdn = BackendHarness.NewMsisdn();
        await _backends.SeedAccountAsync(msisdn, balance: 20m);
        await CloseAsync(msisdn);

        var requestId = BackendHarness.NewRequestId();

        using var first = await _backends.PostRawAsync(RefundPath(msisdn), $$"""{"requestId":"{{requestId}}","amount":12.5}""");
        using var replay = await _backends.PostRawAsync(RefundPath(msisdn), $$"""{"requestId":"{{requestId}}","amount":"12.50","currency":null}""");

        Assert.Equal((HttpStatusCode.Created, HttpStatusCode.Created), (first.StatusCode, replay.StatusCode));
        Assert.True(replay.Headers.Contains(WireProtocol.ReplayedHeader));
        Assert.Equal(7.50m, (await _backends.AccountAsync(msisdn)).RefundDue);
    }

    [Fact]
    public async Task Deprovision_UnknownMsisdn_404ErrorBody()
    {
        using var response = await _backends.PostRawAsync(
            "/network/v1/subscriptions/" + Uri.EscapeDataString(BackendHarness.NewMsisdn()) + "/deprovision", $$"""{"requestId":"{{BackendHarness.NewRequestId()}}"}""");

        var error = await AssertErrorAsync(response, HttpStatusCode.NotFound, ErrorCodes.SubscriptionNotFound);
        Assert.Contains("no subscription", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SeedAccount_NegativeOrFractionalCentAmount_400()
    {
        using var negative = await _backends.Http.PutAsJsonAsync(BackendHarness.AccountPath(BackendHarness.NewMsisdn()), new { balance = -1m }, Token);
        using var fraction = await _backends.Http.PutAsJsonAsync(BackendHarness.AccountPath(BackendHarness.NewMsisdn()), new { deposit = 0.001m }, Token);
        using var unknown = await _backends.Http.GetAsync(BackendHarness.AccountPath(BackendHarness.NewMsisdn()), Token);

        Assert.Equal((HttpStatusCode.BadRequest, HttpStatusCode.BadRequest, HttpStatusCode.NotFound), (negative.StatusCode, fraction.StatusCode, unknown.StatusCode));
    }

    private async Task CloseAsync(string msisdn)
    {
        using var response = await _backends.PostRawAsync(FinalBillPath(msisdn), $$"""{"requestId":"{{BackendHarness.NewRequestId()}}"}""");
        response.EnsureSuccessStatusCode();
    }

    private static string FinalBillPath(string msisdn) => "/billing/v1/accounts/" + Uri.EscapeDataString(msisdn) + "/final-bill";

    private static string RefundPath(string msisdn) => "/billing/v1/accounts/" + Uri.EscapeDataString(msisdn) + "/refunds";

    private static async Task<ApiError> AssertErrorAsync(HttpResponseMessage response, HttpStatusCode status, string code)
    {
        Assert.Equal(status, response.StatusCode);
        var error = await response.Content.ReadFromJsonAsync<ApiError>(WireProtocol.Json, Token);
        Assert.NotNull(error);
        Assert.Equal(((int)status, code), (error.Status, error.Code));
        Assert.False(string.IsNullOrWhiteSpace(error.Message));
        return error;
    }
}
