using LastCall.Integrations.Smdp;
using LastCall.SmdpSimulator.Profiles;
using LastCall.SmdpSimulator.Tests.Infrastructure;

namespace LastCall.SmdpSimulator.Tests;

public sealed class RetireProfileTests(SharedSimulator simulator) : IClassFixture<SharedSimulator>
{
    private readonly SmdpHarness _smdp = simulator.Harness;
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData(ProfileState.Allocated, SmdpProfileState.Allocated)]
    [InlineData(ProfileState.Linked, SmdpProfileState.Linked)]
    [InlineData(ProfileState.Confirmed, SmdpProfileState.Confirmed)]
    [InlineData(ProfileState.Released, SmdpProfileState.Released)]
    [InlineData(ProfileState.Released, SmdpProfileState.Installed)]
    public async Task RetireProfile_NeverDownloaded_CancelsOrderAsUnavailable(ProfileState actual, SmdpProfileState known)
    {
        var iccid = SmdpHarness.NewIccid();
        var eid = SmdpHarness.NewEid();
        await _smdp.SeedAsync(iccid, actual, eid);

        var result = await _smdp.Client.RetireProfileAsync(SmdpHarness.NewCallId(), iccid, eid, known, Token);

        Assert.Equal(SmdpOutcome.Success, result.Outcome);
        Assert.Equal(ProfileRetirement.RetiredAtSmdp, result.Value);
        var profile = await _smdp.ProfileAsync(iccid);
        Assert.Equal(ProfileState.Unavailable, profile.State);
        Assert.Single(SmdpHarness.Es2PlusHistory(profile, "cancelOrder"));
    }

    [Theory]
    [InlineData(ProfileState.Downloaded)]
    [InlineData(ProfileState.Installed)]
    public async Task RetireProfile_OnDevice_WarnsRetiredLocallyOnly(ProfileState state)
    {
        var iccid = SmdpHarness.NewIccid();
        var eid = SmdpHarness.NewEid();
        await _smdp.SeedAsync(iccid, state, eid);

        var result = await _smdp.Client.RetireProfileAsync(SmdpHarness.NewCallId(), iccid, eid, SmdpProfileState.Released, Token);

        Assert.Equal(SmdpOutcome.Warning, result.Outcome);
        Assert.True(result.Succeeded);
        Assert.Equal(ProfileRetirement.RetiredLocallyOnly, result.Value);
        Assert.True(result.StatusCode!.Is("8.2.1", "3.3"));
        Assert.Contains("deprovisioning", result.Detail, StringComparison.Ordinal);
        Assert.Equal(state, (await _smdp.ProfileAsync(iccid)).State);
    }

    [Fact]
    public async Task RetireProfile_NoOrderAtSmdp_WarnsRetiredLocallyOnly()
    {
        var iccid = SmdpHarness.NewIccid();
        await _smdp.SeedAsync(iccid, ProfileState.Available);

        var result = await _smdp.Client.RetireProfileAsync(SmdpHarness.NewCallId(), iccid, null, SmdpProfileState.Available, Token);

        Assert.Equal(SmdpOutcome.Warning, result.Outcome);
        Assert.Equal(ProfileRetirement.RetiredLocallyOnly, result.Value);
        Assert.True(result.StatusCode!.Is("8.2.1", "3.5"));
    }

    [Fact]
    public async Task RetireProfile_KnownUnavailable_SendsNothing()
    {
        var iccid = SmdpHarness.NewIccid();
        await _smdp.SeedAsync(iccid, ProfileState.Unavailable);

        var result = await _smdp.Client.RetireProfileAsync(SmdpHarness.NewCallId(), iccid, null, SmdpProfileState.Unavailable, Token);

        Assert.Equal(SmdpOutcome.Success, result.Outcome);
        Assert.Equal(ProfileRetirement.AlreadyRetired, result.Value);
        Assert.Empty(await _smdp.CallsAsync(iccid));
    }

    [Fact]
    public async Task RetireProfile_UnknownIccid_BusinessFailureNotRetryable()
    {
        var result = await _smdp.Client.RetireProfileAsync(SmdpHarness.NewCallId(), SmdpHarness.NewIccid(), null, SmdpProfileState.Confirmed, Token);

        Es2PlusAssert.BusinessFailure(result, "8.2.1", "3.9");
        Assert.Equal(default, result.Value);
    }

    [Fact]
    public async Task RetireProfile_SameCallIdRetried_CancelledOnceAndSameAnswer()
    {
        var iccid = SmdpHarness.NewIccid();
        await _smdp.SeedAsync(iccid, ProfileState.Released);
        var callId = SmdpHarness.NewCallId();

        var first = await _smdp.Client.RetireProfileAsync(callId, iccid, null, SmdpProfileState.Released, Token);
        var retried = await _smdp.Client.RetireProfileAsync(callId, iccid, null, SmdpProfileState.Released, Token);

        Assert.Equal(ProfileRetirement.RetiredAtSmdp, first.Value);
        Assert.Equal(ProfileRetirement.RetiredAtSmdp, retried.Value);
        Assert.Single(SmdpHarness.Es2PlusHistory(await _smdp.ProfileAsync(iccid), "cancelOrder"));
        Assert.Equal(new[] { false, true }, (await _smdp.CallsAsync(iccid, "cancelOrder")).Select(c => c.Replayed));
    }
}
