using LastCall.Integrations.Smdp;
using LastCall.SmdpSimulator.Profiles;
using LastCall.SmdpSimulator.Tests.Infrastructure;

namespace LastCall.SmdpSimulator.Tests;

public sealed class StateFileTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Simulator_StateFileSet_KeepsProfilesAndAnswersAcrossRestart()
    {
        var path = Path.Combine(Path.GetTempPath(), $"smdp-state-{Guid.NewGuid():N}.json");
        var settings = new Dictionary<string, string?> { ["Simulator:StateFile"] = path };
        var iccid = SmdpHarness.NewIccid();
        var callId = SmdpHarness.NewCallId();
        try
        {
            string matchingId;
            await using (var first = await SmdpHarness.StartAsync(simulator: settings))
            {
                await first.SeedAsync(iccid, ProfileState.Allocated);
                matchingId = (await first.Client.ConfirmOrderAsync(callId, iccid, null, releaseFlag: false, cancellationToken: Token)).Value!.MatchingId;
            }

            await using var second = await SmdpHarness.StartAsync(simulator: settings);
            var profile = await second.ProfileAsync(iccid);
            var replay = await second.Client.ConfirmOrderAsync(callId, iccid, null, releaseFlag: false, cancellationToken: Token);

            Assert.Equal(ProfileState.Confirmed, profile.State);
            Assert.Equal(matchingId, profile.MatchingId);
            Assert.Equal(SmdpOutcome.Success, replay.Outcome);
            Assert.Equal(matchingId, replay.Value!.MatchingId);
            Assert.True(Assert.Single(await second.CallsAsync(iccid)).Replayed);
            Assert.Single(SmdpHarness.Es2PlusHistory(await second.ProfileAsync(iccid), "confirmOrder"));
        }
        finally
        {
            File.Delete(path);
        }
    }
}
