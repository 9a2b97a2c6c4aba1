using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using LastCall.Data;
using LastCall.Tests.Features.Cancellations;
using LastCall.TestSupport;
using Microsoft.EntityFrameworkCore;

namespace LastCall.Tests.Features.Lines;

/// <summary>PUT /api/v1/lines/{msisdn}/service-password: the owner changes it, a clerk resets it in person; earlier sessions end.</summary>
public sealed class ServicePasswordTests(PostgresCluster postgres, SharedScenario shared) : IClassFixture<SharedScenario>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static string Path(TestLine line) => $"/api/v1/lines/{Uri.EscapeDataString(line.Msisdn)}/service-password";

    [Theory]
    [MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task Owner_ChangesWithTheCurrentPassword_OldSessionsEnd_NewPasswordSignsIn_LineIsTold(DatabaseProvider provider)
    {
        await using var scenario = await Scenario.StartAsync(postgres, provider);
        var line = scenario.CustomerA;
        var owner = await scenario.CustomerAsync(line);

        using var changed = await owner.PutAsJsonAsync(Path(line), new { currentPassword = line.Password, newPassword = "580314" }, Ct);

        Assert.Equal(HttpStatusCode.OK, changed.StatusCode);
        Assert.False((await changed.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("reset").GetBoolean());
        Assert.Equal(HttpStatusCode.Unauthorized, (await owner.GetAsync("/api/v1/me/lines", Ct)).StatusCode);
        var again = await scenario.CustomerAsync(line with { Password = "580314" });
        Assert.Equal(HttpStatusCode.OK, (await again.GetAsync("/api/v1/me/lines", Ct)).StatusCode);
        var messages = await CancellationApi.MessagesAsync(scenario, line.Msisdn);
        Assert.Contains(messages, m => m.GetProperty("template").GetString() == "service_password_changed");
        await using var db = scenario.Database.CreateContext();
        Assert.Equal(1, await db.AuditEvents.CountAsync(e => e.Action == "line.service_password_changed", Ct));
        // A change by the owner is no reset: a cancellation right after it is not forced to review for it.
        Assert.Null((await db.Lines.AsNoTracking().SingleAsync(l => l.Msisdn == Domain.Common.Msisdn.Create(line.Msisdn).Value, Ct)).ServicePasswordResetAt);
    }

    [Fact]
    public async Task Owner_WrongCurrentPassword_Is401_NothingChanges_AndFiveLockTheNumber()
    {
        await using var scenario = await Scenario.StartAsync(postgres);
        var line = scenario.CustomerA;
        var owner = await scenario.CustomerAsync(line);

        var answers = new List<HttpStatusCode>();
        for (var i = 0; i < 5; i++)
            answers.Add((await owner.PutAsJsonAsync(Path(line), new { currentPassword = "000000", newPassword = "580314" }, Ct)).StatusCode);

        Assert.Equal([HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized, HttpStatusCode.TooManyRequests], answers);
        Assert.Equal(HttpStatusCode.OK, (await owner.GetAsync("/api/v1/me/lines", Ct)).StatusCode);
    }

    [Theory]
    [InlineData("111111", "weak_service_password")]
    [InlineData("123456", "weak_service_password")]
    [InlineData("987654", "weak_service_password")]
    [InlineData("12ab56", "invalid_service_password")]
    [InlineData("12345", "invalid_service_password")]
    public async Task Owner_BadNewPassword_Is400WithItsCode(string newPassword, string code)
    {
        // The five cases share one scenario: a refused new password changes nothing and counts no failure.
        var scenario = await shared.ScenarioAsync();
        var owner = await scenario.CustomerAsync(scenario.CustomerA);

        using var response = await owner.PutAsJsonAsync(Path(scenario.CustomerA), new { currentPassword = scenario.CustomerA.Password, newPassword }, Ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(code, (await response.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("code").GetString());
    }

    [Fact]
    public async Task Clerk_ResetsAfterTheInPersonCheck_WhichForcesReviewOfACancellation()
    {
        await using var scenario = await Scenario.StartAsync(postgres);
        var line = scenario.CustomerA;
        var clerk = await scenario.StaffAsync("clerk");

        using var mismatch = await clerk.PutAsJsonAsync(Path(line), new { newPassword = "580314", identityCheck = new { method = "in_person_id", idNumber = scenario.CustomerB.IdNumber } }, Ct);
        using var reset = await clerk.PutAsJsonAsync(Path(line), new { newPassword = "580314", identityCheck = new { method = "in_person_id", idNumber = line.IdNumber } }, Ct);

        Assert.Equal(HttpStatusCode.UnprocessableEntity, mismatch.StatusCode);
        Assert.Equal(HttpStatusCode.OK, reset.StatusCode);
        Assert.True((await reset.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("reset").GetBoolean());
        var precheck = await clerk.GetFromJsonAsync<JsonElement>($"/api/v1/lines/{Uri.EscapeDataString(line.Msisdn)}/precheck", Ct);
        Assert.Contains(precheck.GetProperty("warnings").EnumerateArray(), w => w.GetProperty("code").GetString() == "recent_password_reset");
        Assert.True(precheck.GetProperty("requiresReview").GetBoolean());
    }
}
