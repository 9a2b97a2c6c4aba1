using LastCall.Integrations.Smdp;
using LastCall.SmdpSimulator.Profiles;
using LastCall.SmdpSimulator.Tests.Infrastructure;

namespace LastCall.SmdpSimulator.Tests;

public sealed class ReleaseProfileTests(SharedSimulator simulator) : IClassFixture<SharedSimulator>
{
    private readonly SmdpHarness _smdp = simulator.Harness;
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task ReleaseProfile_Confirmed_Released()
    {
        var iccid = SmdpHarness.NewIccid();
        await _smdp.SeedAsync(iccid, ProfileState.Confirmed, SmdpHarness.NewEid());

        var result = await _smdp.Client.ReleaseProfileAsync(SmdpHarness.NewCallId(), iccid, Token);

        Assert.Equal(SmdpOutcome.Success, result.Outcome);
        Assert.Null(result.StatusCode);
        Assert.Equal(ProfileState.Released, (await _smdp.ProfileAsync(iccid)).State);
    }

    [Theory]
    [InlineData(ProfileState.Available)]
    [InlineData(ProfileState.Allocated)]
    [InlineData(ProfileState.Linked)]
    [InlineData(ProfileState.Released)]
    [InlineData(ProfileState.Downloaded)]
    [InlineData(ProfileState.Installed)]
    [InlineData(ProfileState.Error)]
    [InlineData(ProfileState.Unavailable)]
    public async Task ReleaseProfile_NotConfirmed_Fails821_35(ProfileState state)
    {
        var iccid = SmdpHarness.NewIccid();
        await _smdp.SeedAsync(iccid, state);

        var result = await _smdp.Client.ReleaseProfileAsync(SmdpHarness.NewCallId(), iccid, Token);

        Es2PlusAssert.BusinessFailure(result, "8.2.1", "3.5");
        Assert.Equal(state, (await _smdp.ProfileAsync(iccid)).State);
    }

    [Fact]
    public async Task ReleaseProfile_UnknownIccid_Fails821_39()
    {
        var result = await _smdp.Client.ReleaseProfileAsync(SmdpHarness.NewCallId(), SmdpHarness.NewIccid(), Token);

        Es2PlusAssert.BusinessFailure(result, "8.2.1", "3.9");
    }

    [Fact]
    public async Task DownloadConfirmRelease_FullOrder_EndsReleasedWithOneEntryPerFunction()
    {
        var iccid = SmdpHarness.NewIccid();
        var eid = SmdpHarness.NewEid();
        await _smdp.SeedAsync(iccid, ProfileState.Available);

        var ordered = await _smdp.Client.DownloadOrderAsync(SmdpHarness.NewCallId(), eid, iccid, null, Token);
        var confirmed = await _smdp.Client.ConfirmOrderAsync(SmdpHarness.NewCallId(), iccid, eid, releaseFlag: false, cancellationToken: Token);
        var released = await _smdp.Client.ReleaseProfileAsync(SmdpHarness.NewCallId(), iccid, Token);

        Assert.All(new SmdpResult[] { ordered, confirmed, released }, r => Assert.Equal(SmdpOutcome.Success, r.Outcome));
        var profile = await _smdp.ProfileAsync(iccid);
        Assert.Equal(ProfileState.Released, profile.State);
        Assert.Equal(
            new[] { "downloadOrder:Linked", "confirmOrder:Confirmed", "releaseProfile:Released" },
            profile.History.Where(e => !e.Function.StartsWith("simulator:", StringComparison.Ordinal)).Select(e => $"{e.Function}:{e.To}"));
        Assert.All(profile.History.Skip(1), e => Assert.Equal(SmdpHarness.RequesterId, e.FunctionRequesterIdentifier));
    }
}
