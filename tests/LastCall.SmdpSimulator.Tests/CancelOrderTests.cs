using System.Net;
using System.Text.Json;
using LastCall.Integrations.Smdp;
using LastCall.SmdpSimulator.Profiles;
using LastCall.SmdpSimulator.Tests.Infrastructure;

namespace LastCall.SmdpSimulator.Tests;

public sealed class CancelOrderTests(SharedSimulator simulator) : IClassFixture<SharedSimulator>
{
    private readonly SmdpHarness _smdp = simulator.Harness;
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData(ProfileState.Allocated)]
    [InlineData(ProfileState.Linked)]
    [InlineData(ProfileState.Confirmed)]
    [InlineData(ProfileState.Released)]
    [InlineData(ProfileState.Error)]
    public async Task CancelOrder_PendingOrderWithUnavailable_RetiresIccid(ProfileState state)
    {
        var iccid = SmdpHarness.NewIccid();
        await _smdp.SeedAsync(iccid, state);

        var result = await _smdp.Client.CancelOrderAsync(SmdpHarness.NewCallId(), iccid, null, FinalProfileStatus.Unavailable, cancellationToken: Token);

        Assert.Equal(SmdpOutcome.Success, result.Outcome);
        Assert.Equal(ProfileState.Unavailable, (await _smdp.ProfileAsync(iccid)).State);
    }

    [Fact]
    public async Task CancelOrder_ConfirmedWithAvailable_ProfileCanBeOrderedAgain()
    {
        var iccid = SmdpHarness.NewIccid();
        await _smdp.SeedAsync(iccid, ProfileState.Confirmed, SmdpHarness.NewEid(), matchingId: "MID-" + SmdpHarness.NewCallId());

        var cancelled = await _smdp.Client.CancelOrderAsync(SmdpHarness.NewCallId(), iccid, null, FinalProfileStatus.Available, cancellationToken: Token);
        var available = await _smdp.ProfileAsync(iccid);
        var reordered = await _smdp.Client.DownloadOrderAsync(SmdpHarness.NewCallId(), null, iccid, null, Token);

        Assert.Equal(SmdpOutcome.Success, cancelled.Outcome);
        Assert.Equal(ProfileState.Available, available.State);
        Assert.Null(available.Eid);
        Assert.Null(available.MatchingId);
        Assert.Equal(SmdpOutcome.Success, reordered.Outcome);
    }

    [Theory]
    [InlineData(ProfileState.Downloaded)]
    [InlineData(ProfileState.Installed)]
    public async Task CancelOrder_AlreadyDownloaded_Fails821_33AndStaysOnDevice(ProfileState state)
    {
        var iccid = SmdpHarness.NewIccid();
        await _smdp.SeedAsync(iccid, state, SmdpHarness.NewEid());

        var result = await _smdp.Client.CancelOrderAsync(SmdpHarness.NewCallId(), iccid, null, FinalProfileStatus.Unavailable, cancellationToken: Token);

        Es2PlusAssert.BusinessFailure(result, "8.2.1", "3.3");
        Assert.Equal(state, (await _smdp.ProfileAsync(iccid)).State);
    }

    [Theory]
    [InlineData(ProfileState.Available)]
    [InlineData(ProfileState.Unavailable)]
    public async Task CancelOrder_NoPendingOrder_Fails821_35(ProfileState state)
    {
        var iccid = SmdpHarness.NewIccid();
        await _smdp.SeedAsync(iccid, state);

        var result = await _smdp.Client.CancelOrderAsync(SmdpHarness.NewCallId(), iccid, null, FinalProfileStatus.Unavailable, cancellationToken: Token);

        Es2PlusAssert.BusinessFailure(result, "8.2.1", "3.5");
        Assert.Equal(state, (await _smdp.ProfileAsync(iccid)).State);
    }

    [Fact]
    public async Task CancelOrder_UnknownIccid_Fails821_39()
    {
        var result = await _smdp.Client.CancelOrderAsync(SmdpHarness.NewCallId(), SmdpHarness.NewIccid(), null, FinalProfileStatus.Unavailable, cancellationToken: Token);

        Es2PlusAssert.BusinessFailure(result, "8.2.1", "3.9");
    }

    [Fact]
    public async Task CancelOrder_DifferentEid_Fails811_310()
    {
        var iccid = SmdpHarness.NewIccid();
        await _smdp.SeedAsync(iccid, ProfileState.Linked, SmdpHarness.NewEid());

        var result = await _smdp.Client.CancelOrderAsync(SmdpHarness.NewCallId(), iccid, SmdpHarness.NewEid(), FinalProfileStatus.Unavailable, cancellationToken: Token);

        Es2PlusAssert.BusinessFailure(result, "8.1.1", "3.10");
        Assert.Equal(ProfileState.Linked, (await _smdp.ProfileAsync(iccid)).State);
    }

    [Fact]
    public async Task CancelOrder_DifferentMatchingId_Fails826_310()
    {
        var iccid = SmdpHarness.NewIccid();
        await _smdp.SeedAsync(iccid, ProfileState.Released, matchingId: "MID-" + SmdpHarness.NewCallId());

        var result = await _smdp.Client.CancelOrderAsync(SmdpHarness.NewCallId(), iccid, null, FinalProfileStatus.Unavailable, matchingId: "OTHER", cancellationToken: Token);

        Es2PlusAssert.BusinessFailure(result, "8.2.6", "3.10");
    }

    [Theory]
    [InlineData(false, true)]
    [InlineData(true, false)]
    public async Task CancelOrder_IccidOrIndicatorMissing_Fails821_22(bool sendIccid, bool sendIndicator)
    {
        var iccid = SmdpHarness.NewIccid();
        await _smdp.SeedAsync(iccid, ProfileState.Released);
        var body = new Dictionary<string, object>
        {
            ["header"] = new { functionRequesterIdentifier = "op", functionCallIdentifier = SmdpHarness.NewCallId() },
        };
        if (sendIccid)
            body["iccid"] = iccid;
        if (sendIndicator)
            body["finalProfileStatusIndicator"] = "Unavailable";

        using var response = await _smdp.PostRawAsync("cancelOrder", JsonSerializer.Serialize(body));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var status = (await response.Content.ReadFromJsonAsync<JsonElement>(Token)).GetProperty("header").GetProperty("functionExecutionStatus");
        Assert.Equal("Failed", status.GetProperty("status").GetString());
        Assert.Equal("8.2.1", status.GetProperty("statusCodeData").GetProperty("subjectCode").GetString());
        Assert.Equal("2.2", status.GetProperty("statusCodeData").GetProperty("reasonCode").GetString());
        Assert.Equal(ProfileState.Released, (await _smdp.ProfileAsync(iccid)).State);
    }
}
