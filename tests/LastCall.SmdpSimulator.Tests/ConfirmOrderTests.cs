using LastCall.Integrations.Smdp;
using LastCall.SmdpSimulator.Profiles;
using LastCall.SmdpSimulator.Tests.Infrastructure;

namespace LastCall.SmdpSimulator.Tests;

public sealed class ConfirmOrderTests(SharedSimulator simulator) : IClassFixture<SharedSimulator>
{
    private readonly SmdpHarness _smdp = simulator.Harness;
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task ConfirmOrder_LinkedWithoutReleaseFlag_ConfirmsWithMatchingIdAndAddress()
    {
        var iccid = SmdpHarness.NewIccid();
        var eid = SmdpHarness.NewEid();
        await _smdp.SeedAsync(iccid, ProfileState.Linked, eid);

        var result = await _smdp.Client.ConfirmOrderAsync(SmdpHarness.NewCallId(), iccid, null, releaseFlag: false, cancellationToken: Token);

        Assert.Equal(SmdpOutcome.Success, result.Outcome);
        Assert.Equal(eid, result.Value!.Eid);
        Assert.Matches("^[A-Z0-9]{5}(-[A-Z0-9]{5}){3}$", result.Value.MatchingId);
        Assert.Equal("smdp.simulator.lastcall.local", result.Value.SmdpAddress);
        var profile = await _smdp.ProfileAsync(iccid);
        Assert.Equal(ProfileState.Confirmed, profile.State);
        Assert.Equal(result.Value.MatchingId, profile.MatchingId);
    }

    [Fact]
    public async Task ConfirmOrder_AllocatedWithReleaseFlagAndGivenMatchingId_Released()
    {
        var iccid = SmdpHarness.NewIccid();
        var matchingId = "MID-" + SmdpHarness.NewCallId();
        await _smdp.SeedAsync(iccid, ProfileState.Allocated);

        var result = await _smdp.Client.ConfirmOrderAsync(SmdpHarness.NewCallId(), iccid, null, releaseFlag: true, matchingId: matchingId, cancellationToken: Token);

        Assert.Equal(SmdpOutcome.Success, result.Outcome);
        Assert.Equal(matchingId, result.Value!.MatchingId);
        Assert.Equal(ProfileState.Released, (await _smdp.ProfileAsync(iccid)).State);
    }

    [Fact]
    public async Task ConfirmOrder_WithSmdsAddress_ExecutedWithWarningAndStillConfirmed()
    {
        var iccid = SmdpHarness.NewIccid();
        await _smdp.SeedAsync(iccid, ProfileState.Linked, SmdpHarness.NewEid());

        var result = await _smdp.Client.ConfirmOrderAsync(SmdpHarness.NewCallId(), iccid, null, releaseFlag: true, smdsAddress: "lpa.ds.example.com", cancellationToken: Token);

        Assert.Equal(SmdpOutcome.Warning, result.Outcome);
        Assert.True(result.Succeeded);
        Assert.Equal(("8.9", "5.1"), (result.StatusCode!.SubjectCode, result.StatusCode.ReasonCode));
        Assert.NotNull(result.Value);
        Assert.Equal(ProfileState.Released, (await _smdp.ProfileAsync(iccid)).State);
    }

    [Fact]
    public async Task ConfirmOrder_SmdsAddressWithoutAnyEid_Fails811_22()
    {
        var iccid = SmdpHarness.NewIccid();
        await _smdp.SeedAsync(iccid, ProfileState.Allocated);

        var result = await _smdp.Client.ConfirmOrderAsync(SmdpHarness.NewCallId(), iccid, null, releaseFlag: true, smdsAddress: "lpa.ds.example.com", cancellationToken: Token);

        Es2PlusAssert.BusinessFailure(result, "8.1.1", "2.2");
        Assert.Equal(ProfileState.Allocated, (await _smdp.ProfileAsync(iccid)).State);
    }

    [Fact]
    public async Task ConfirmOrder_DifferentEidThanLinked_Fails811_310()
    {
        var iccid = SmdpHarness.NewIccid();
        await _smdp.SeedAsync(iccid, ProfileState.Linked, SmdpHarness.NewEid());

        var result = await _smdp.Client.ConfirmOrderAsync(SmdpHarness.NewCallId(), iccid, SmdpHarness.NewEid(), releaseFlag: true, cancellationToken: Token);

        Es2PlusAssert.BusinessFailure(result, "8.1.1", "3.10");
        Assert.Equal(ProfileState.Linked, (await _smdp.ProfileAsync(iccid)).State);
    }

    [Fact]
    public async Task ConfirmOrder_MatchingIdUsedByAnotherProfile_Fails826_33()
    {
        var taken = "MID-" + SmdpHarness.NewCallId();
        await _smdp.SeedAsync(SmdpHarness.NewIccid(), ProfileState.Confirmed, matchingId: taken);
        var iccid = SmdpHarness.NewIccid();
        await _smdp.SeedAsync(iccid, ProfileState.Allocated);

        var result = await _smdp.Client.ConfirmOrderAsync(SmdpHarness.NewCallId(), iccid, null, releaseFlag: false, matchingId: taken, cancellationToken: Token);

        Es2PlusAssert.BusinessFailure(result, "8.2.6", "3.3");
    }

    [Fact]
    public async Task ConfirmOrder_UnknownIccid_Fails821_39()
    {
        var result = await _smdp.Client.ConfirmOrderAsync(SmdpHarness.NewCallId(), SmdpHarness.NewIccid(), null, releaseFlag: false, cancellationToken: Token);

        Es2PlusAssert.BusinessFailure(result, "8.2.1", "3.9");
    }

    [Theory]
    [InlineData(ProfileState.Available)]
    [InlineData(ProfileState.Confirmed)]
    [InlineData(ProfileState.Released)]
    [InlineData(ProfileState.Downloaded)]
    [InlineData(ProfileState.Installed)]
    [InlineData(ProfileState.Error)]
    [InlineData(ProfileState.Unavailable)]
    public async Task ConfirmOrder_NotAllocatedOrLinked_Fails821_33(ProfileState state)
    {
        var iccid = SmdpHarness.NewIccid();
        await _smdp.SeedAsync(iccid, state);

        var result = await _smdp.Client.ConfirmOrderAsync(SmdpHarness.NewCallId(), iccid, null, releaseFlag: true, cancellationToken: Token);

        Es2PlusAssert.BusinessFailure(result, "8.2.1", "3.3");
        Assert.Equal(state, (await _smdp.ProfileAsync(iccid)).State);
    }
}
