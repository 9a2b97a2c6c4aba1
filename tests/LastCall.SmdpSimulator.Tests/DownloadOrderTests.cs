using LastCall.Integrations.Smdp;
using LastCall.SmdpSimulator.Profiles;
using LastCall.SmdpSimulator.Tests.Infrastructure;

namespace LastCall.SmdpSimulator.Tests;

public sealed class DownloadOrderTests(SharedSimulator simulator) : IClassFixture<SharedSimulator>
{
    private readonly SmdpHarness _smdp = simulator.Harness;
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task DownloadOrder_AvailableIccidWithEid_LinksProfileToEid()
    {
        var iccid = SmdpHarness.NewIccid();
        var eid = SmdpHarness.NewEid();
        await _smdp.SeedAsync(iccid, ProfileState.Available);

        var result = await _smdp.Client.DownloadOrderAsync(SmdpHarness.NewCallId(), eid, iccid, null, Token);

        Assert.Equal(SmdpOutcome.Success, result.Outcome);
        Assert.Equal(iccid, result.Value!.Iccid);
        var profile = await _smdp.ProfileAsync(iccid);
        Assert.Equal(ProfileState.Linked, profile.State);
        Assert.Equal(eid, profile.Eid);
    }

    [Fact]
    public async Task DownloadOrder_AvailableIccidWithoutEid_AllocatesProfile()
    {
        var iccid = SmdpHarness.NewIccid();
        await _smdp.SeedAsync(iccid, ProfileState.Available);

        var result = await _smdp.Client.DownloadOrderAsync(SmdpHarness.NewCallId(), null, iccid, null, Token);

        Assert.Equal(SmdpOutcome.Success, result.Outcome);
        Assert.Equal(ProfileState.Allocated, (await _smdp.ProfileAsync(iccid)).State);
    }

    [Fact]
    public async Task DownloadOrder_ProfileTypeOnly_AllocatesAvailableProfilesUntilExhausted()
    {
        var profileType = "type-" + SmdpHarness.NewCallId();
        string[] iccids = [SmdpHarness.NewIccid(), SmdpHarness.NewIccid()];
        foreach (var iccid in iccids)
            await _smdp.SeedAsync(iccid, ProfileState.Available, profileType: profileType);

        var first = await _smdp.Client.DownloadOrderAsync(SmdpHarness.NewCallId(), null, null, profileType, Token);
        var second = await _smdp.Client.DownloadOrderAsync(SmdpHarness.NewCallId(), null, null, profileType, Token);
        var third = await _smdp.Client.DownloadOrderAsync(SmdpHarness.NewCallId(), null, null, profileType, Token);

        Assert.Equal(iccids.Order().ToArray(), new[] { first.Value!.Iccid, second.Value!.Iccid }.Order().ToArray());
        Es2PlusAssert.BusinessFailure(third, "8.2.5", "3.7");
        Assert.Null(third.Value);
    }

    [Fact]
    public async Task DownloadOrder_UnknownProfileType_Fails825_39()
    {
        var result = await _smdp.Client.DownloadOrderAsync(SmdpHarness.NewCallId(), null, null, "no-such-type-" + SmdpHarness.NewCallId(), Token);

        Es2PlusAssert.BusinessFailure(result, "8.2.5", "3.9");
    }

    [Fact]
    public async Task DownloadOrder_NeitherIccidNorProfileType_Fails825_23()
    {
        var result = await _smdp.Client.DownloadOrderAsync(SmdpHarness.NewCallId(), null, null, null, Token);

        Es2PlusAssert.BusinessFailure(result, "8.2.5", "2.3");
    }

    [Fact]
    public async Task DownloadOrder_UnknownIccid_Fails821_39()
    {
        var result = await _smdp.Client.DownloadOrderAsync(SmdpHarness.NewCallId(), null, SmdpHarness.NewIccid(), null, Token);

        Es2PlusAssert.BusinessFailure(result, "8.2.1", "3.9");
    }

    [Fact]
    public async Task DownloadOrder_ProfileTypeNotThatOfIccid_Fails825_38()
    {
        var iccid = SmdpHarness.NewIccid();
        await _smdp.SeedAsync(iccid, ProfileState.Available, profileType: "watch");

        var result = await _smdp.Client.DownloadOrderAsync(SmdpHarness.NewCallId(), null, iccid, "phone", Token);

        Es2PlusAssert.BusinessFailure(result, "8.2.5", "3.8");
        Assert.Equal(ProfileState.Available, (await _smdp.ProfileAsync(iccid)).State);
    }

    [Theory]
    [InlineData(ProfileState.Allocated)]
    [InlineData(ProfileState.Linked)]
    [InlineData(ProfileState.Confirmed)]
    [InlineData(ProfileState.Released)]
    [InlineData(ProfileState.Downloaded)]
    [InlineData(ProfileState.Installed)]
    [InlineData(ProfileState.Error)]
    [InlineData(ProfileState.Unavailable)]
    public async Task DownloadOrder_ProfileNotAvailable_Fails821_33AndKeepsState(ProfileState state)
    {
        var iccid = SmdpHarness.NewIccid();
        await _smdp.SeedAsync(iccid, state);

        var result = await _smdp.Client.DownloadOrderAsync(SmdpHarness.NewCallId(), null, iccid, null, Token);

        Es2PlusAssert.BusinessFailure(result, "8.2.1", "3.3");
        var profile = await _smdp.ProfileAsync(iccid);
        Assert.Equal(state, profile.State);
        Assert.Equal("Failed", Assert.Single(SmdpHarness.Es2PlusHistory(profile, "downloadOrder")).Status);
    }
}
