using System.Net;
using System.Text.Json;
using LastCall.Integrations.Smdp;
using LastCall.SmdpSimulator.Profiles;
using LastCall.SmdpSimulator.Tests.Infrastructure;

namespace LastCall.SmdpSimulator.Tests;

/// <summary>The ES2+ envelope: protocol header, request header, and idempotency per functionCallIdentifier.</summary>
public sealed class ProtocolTests(SharedSimulator simulator) : IClassFixture<SharedSimulator>
{
    private readonly SmdpHarness _smdp = simulator.Harness;
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData(null)]
    [InlineData("gsma/rsp/v1.0.0")]
    [InlineData("something-else")]
    public async Task Es2Plus_MissingOrUnsupportedAdminProtocol_400FailedAndNothingApplied(string? adminProtocol)
    {
        var iccid = SmdpHarness.NewIccid();
        await _smdp.SeedAsync(iccid, ProfileState.Confirmed);

        using var response = await _smdp.PostRawAsync("releaseProfile", ReleaseBody(iccid, SmdpHarness.NewCallId()), adminProtocol);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var status = await ExecutionStatusAsync(response);
        Assert.Equal("Failed", status.GetProperty("status").GetString());
        Assert.Equal("1.3.2", status.GetProperty("statusCodeData").GetProperty("subjectCode").GetString());
        Assert.Equal("3.1", status.GetProperty("statusCodeData").GetProperty("reasonCode").GetString());
        Assert.Equal(ProfileState.Confirmed, (await _smdp.ProfileAsync(iccid)).State);
    }

    [Fact]
    public async Task Es2Plus_NewerV2AdminProtocol_Accepted()
    {
        var iccid = SmdpHarness.NewIccid();
        await _smdp.SeedAsync(iccid, ProfileState.Confirmed);

        using var response = await _smdp.PostRawAsync("releaseProfile", ReleaseBody(iccid, SmdpHarness.NewCallId()), "gsma/rsp/v2.5.0");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("gsma/rsp/v2.0.0", Assert.Single(response.Headers.GetValues("X-Admin-Protocol")));
        Assert.Equal("Executed-Success", (await ExecutionStatusAsync(response)).GetProperty("status").GetString());
    }

    [Fact]
    public async Task Es2Plus_MalformedJson_400Failed1312_21()
    {
        using var response = await _smdp.PostRawAsync("cancelOrder", "{\"header\": ");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var code = (await ExecutionStatusAsync(response)).GetProperty("statusCodeData");
        Assert.Equal(("1.3.1", "2.1"), (code.GetProperty("subjectCode").GetString(), code.GetProperty("reasonCode").GetString()));
    }

    [Theory]
    [InlineData("""{"iccid":"89860000000000000001"}""", "header")]
    [InlineData("""{"header":{"functionCallIdentifier":"x"},"iccid":"89860000000000000001"}""", "header.functionRequesterIdentifier")]
    [InlineData("""{"header":{"functionRequesterIdentifier":"op"},"iccid":"89860000000000000001"}""", "header.functionCallIdentifier")]
    public async Task Es2Plus_RequestHeaderIncomplete_400Failed1312_22(string json, string missing)
    {
        using var response = await _smdp.PostRawAsync("releaseProfile", json);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var code = (await ExecutionStatusAsync(response)).GetProperty("statusCodeData");
        Assert.Equal(("1.3.1", "2.2", missing),
            (code.GetProperty("subjectCode").GetString(), code.GetProperty("reasonCode").GetString(), code.GetProperty("subjectIdentifier").GetString()));
    }

    [Fact]
    public async Task ReleaseProfile_SameFunctionCallIdentifierReplayed_AppliedOnceAndSameAnswer()
    {
        var iccid = SmdpHarness.NewIccid();
        await _smdp.SeedAsync(iccid, ProfileState.Confirmed);
        var callId = SmdpHarness.NewCallId();

        var first = await _smdp.Client.ReleaseProfileAsync(callId, iccid, Token);
        var replay = await _smdp.Client.ReleaseProfileAsync(callId, iccid, Token);
        var fresh = await _smdp.Client.ReleaseProfileAsync(SmdpHarness.NewCallId(), iccid, Token);

        Assert.Equal(SmdpOutcome.Success, first.Outcome);
        Assert.Equal(SmdpOutcome.Success, replay.Outcome);
        Es2PlusAssert.BusinessFailure(fresh, "8.2.1", "3.5");
        var released = SmdpHarness.Es2PlusHistory(await _smdp.ProfileAsync(iccid), "releaseProfile").Where(e => e.Status == "Executed-Success");
        Assert.Equal(callId, Assert.Single(released).FunctionCallIdentifier);
    }

    [Fact]
    public async Task ConfirmOrder_ReplayedCallId_ReturnsFirstMatchingIdEvenAfterStateMoved()
    {
        var iccid = SmdpHarness.NewIccid();
        await _smdp.SeedAsync(iccid, ProfileState.Allocated);
        var callId = SmdpHarness.NewCallId();

        var first = await _smdp.Client.ConfirmOrderAsync(callId, iccid, null, releaseFlag: false, cancellationToken: Token);
        await _smdp.Client.ReleaseProfileAsync(SmdpHarness.NewCallId(), iccid, Token);
        var replay = await _smdp.Client.ConfirmOrderAsync(callId, iccid, null, releaseFlag: false, cancellationToken: Token);

        Assert.Equal(SmdpOutcome.Success, replay.Outcome);
        Assert.Equal(first.Value!.MatchingId, replay.Value!.MatchingId);
        Assert.Equal(ProfileState.Released, (await _smdp.ProfileAsync(iccid)).State);
    }

    [Fact]
    public async Task CancelOrder_SameCallIdSentConcurrently_AppliedExactlyOnce()
    {
        var iccid = SmdpHarness.NewIccid();
        await _smdp.SeedAsync(iccid, ProfileState.Released);
        var callId = SmdpHarness.NewCallId();

        var results = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ =>
            _smdp.Client.CancelOrderAsync(callId, iccid, null, FinalProfileStatus.Unavailable, cancellationToken: Token)));

        Assert.All(results, r => Assert.Equal(SmdpOutcome.Success, r.Outcome));
        Assert.Single(SmdpHarness.Es2PlusHistory(await _smdp.ProfileAsync(iccid), "cancelOrder"));
        Assert.Equal(9, (await _smdp.CallsAsync(iccid, "cancelOrder")).Count(c => c.Replayed));
    }

    [Fact]
    public async Task Es2Plus_SameCallIdFromAnotherRequester_NotTreatedAsReplay()
    {
        var iccid = SmdpHarness.NewIccid();
        await _smdp.SeedAsync(iccid, ProfileState.Confirmed);
        var callId = SmdpHarness.NewCallId();

        await _smdp.Client.ReleaseProfileAsync(callId, iccid, Token);
        using var response = await _smdp.PostRawAsync("releaseProfile",
            JsonSerializer.Serialize(new { header = new { functionRequesterIdentifier = "another-operator", functionCallIdentifier = callId }, iccid }));

        var code = (await ExecutionStatusAsync(response)).GetProperty("statusCodeData");
        Assert.Equal("3.5", code.GetProperty("reasonCode").GetString());
    }

    private static string ReleaseBody(string iccid, string callId) =>
        JsonSerializer.Serialize(new { header = new { functionRequesterIdentifier = "op", functionCallIdentifier = callId }, iccid });

    private static async Task<JsonElement> ExecutionStatusAsync(HttpResponseMessage response) =>
        (await response.Content.ReadFromJsonAsync<JsonElement>(Token)).GetProperty("header").GetProperty("functionExecutionStatus");
}
