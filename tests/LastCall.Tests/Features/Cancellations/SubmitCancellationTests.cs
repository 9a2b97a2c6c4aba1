using System.Net;
using LastCall.Data;
using LastCall.Domain.Cancellations;
using LastCall.Domain.Lines;
using LastCall.TestSupport;
using static LastCall.Tests.Features.Cancellations.CancellationApi;

namespace LastCall.Tests.Features.Cancellations;

/// <summary>
/// POST /api/v1/cancellations over HTTP for every channel: identity evidence, eligibility, risk rules
/// that force review, who may submit, and one live request per line even under concurrency.
/// </summary>
[Collection(CancellationCollection.Name)]
public sealed class SubmitCancellationTests(CancellationHosts hosts)
{
    private static readonly TimeZoneInfo Shanghai = TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai");

    private static DateOnly ShanghaiToday => DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(DateTimeOffset.UtcNow, Shanghai).DateTime);

    private static string[] Statuses(ApiResponse detail) =>
        [.. detail.Body.GetProperty("history").EnumerateArray().Select(h => h.GetProperty("status").GetString()!)];

    [Fact]
    public async Task Submit_OnlineWithoutDocuments_Is400DocumentRequired()
    {
        var host = await hosts.SqliteAsync();
        var line = await host.AddLineAsync();
        var customer = await host.CustomerAsync(line);

        var none = await SubmitAsync(customer, new { msisdn = line.Msisdn, effective = "immediate" });
        var empty = await SubmitAsync(customer, new { msisdn = line.Msisdn, effective = "immediate", documentIds = Array.Empty<Guid>() });

        Assert.Equal(HttpStatusCode.BadRequest, none.Status);
        Assert.Equal("document_required", none.Code);
        Assert.Equal(HttpStatusCode.BadRequest, empty.Status);
        Assert.Equal("document_required", empty.Code);
        Assert.Empty(await host.RequestsForAsync(line.Msisdn));
        Assert.Equal("active", await LineStatusAsync(customer, line.Msisdn));
    }

    [Fact]
    public async Task Submit_OnlineWithAnotherCustomersDocument_Is400DocumentNotFound()
    {
        var host = await hosts.SqliteAsync();
        var line = await host.AddLineAsync();
        var stranger = await host.AddLineAsync();
        var strangersDocument = await TestDocuments.UploadAsync(await host.CustomerAsync(stranger), TestDocuments.Png);
        var customer = await host.CustomerAsync(line);

        var submitted = await SubmitAsync(customer, new { msisdn = line.Msisdn, effective = "immediate", documentIds = new[] { strangersDocument } });
        var unknown = await SubmitAsync(customer, new { msisdn = line.Msisdn, effective = "immediate", documentIds = new[] { Guid.NewGuid() } });

        Assert.Equal(HttpStatusCode.BadRequest, submitted.Status);
        Assert.Equal("document_not_found", submitted.Code);
        Assert.Equal(HttpStatusCode.BadRequest, unknown.Status);
        Assert.Equal("document_not_found", unknown.Code);
        Assert.Empty(await host.RequestsForAsync(line.Msisdn));
    }

    [Theory]
    [MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task Submit_IneligibleLine_Is422WithEveryBlocker_AndCreatesNothing(DatabaseProvider provider)
    {
        var host = await hosts.ForAsync(provider);
        var line = await host.AddLineAsync(new LineSpec { Arrears = "20.00", FraudHold = true });
        var customer = await host.CustomerAsync(line);
        var document = await TestDocuments.UploadAsync(customer, TestDocuments.Png);

        var online = await SubmitAsync(customer, new { msisdn = line.Msisdn, effective = "immediate", documentIds = new[] { document } });
        var inStore = await SubmitInStoreAsync(host, line);

        foreach (var refused in new[] { online, inStore })
        {
            Assert.Equal(HttpStatusCode.UnprocessableEntity, refused.Status);
            Assert.Equal("not_eligible", refused.Code);
            Assert.Equal(["arrears", "fraud_hold"], Codes(refused.Body.GetProperty("blockers")).Order());
            Assert.All(refused.Body.GetProperty("blockers").EnumerateArray(), b => Assert.NotEmpty(b.GetProperty("fix").GetString()!));
        }
        Assert.Empty(await host.RequestsForAsync(line.Msisdn));
        Assert.Equal(LineStatus.Active, await host.LineStatusInDatabaseAsync(line.Msisdn));
        Assert.Equal("active", await LineStatusAsync(customer, line.Msisdn));
    }

    [Fact]
    public async Task Submit_CallCentre_UnverifiedAgentIs403_VerifiedAgentGoesToReview()
    {
        var host = await hosts.SqliteAsync();
        var line = await host.AddLineAsync();
        using var agent = await host.NewAgentAsync();

        var unverified = await SubmitAsync(agent, new { msisdn = line.Msisdn, effective = "immediate" });
        Assert.Equal(HttpStatusCode.Forbidden, unverified.Status);
        Assert.Equal("caller_not_verified", unverified.Code);
        Assert.Empty(await host.RequestsForAsync(line.Msisdn));

        await host.Scenario.VerifyCallerAsync(agent, line);
        var verified = await SubmitAsync(agent, new { msisdn = line.Msisdn, effective = "immediate" });

        Assert.Equal(HttpStatusCode.Created, verified.Status);
        Assert.Equal("under_review", verified.Text("status"));
        Assert.Equal("call_centre", verified.Text("channel"));
        Assert.NotEqual(System.Text.Json.JsonValueKind.Null, verified.Body.GetProperty("reviewDueBy").ValueKind);
        var detail = await GetRequestAsync(agent, verified.Id);
        Assert.Equal(["call_centre"], Strings(detail.Body.GetProperty("reviewReasons")));
        Assert.Equal("call_verification", detail.Text("identityMethod"));
        Assert.Equal("pending_cancellation", await LineStatusAsync(agent, line.Msisdn));
    }

    [Fact]
    public async Task Submit_StoreRightIdImmediate_IsApprovedAtOnceWithStore()
    {
        var host = await hosts.SqliteAsync();
        var line = await host.AddLineAsync();

        var submitted = await SubmitInStoreAsync(host, line, "immediate");

        Assert.Equal(HttpStatusCode.Created, submitted.Status);
        Assert.Equal("approved", submitted.Text("status"));
        Assert.Equal("store", submitted.Text("channel"));
        var clerk = await host.StaffAsync("clerk");
        var detail = await GetRequestAsync(clerk, submitted.Id);
        Assert.Equal(Scenario.ClerkStore, detail.Text("storeId"));
        Assert.Equal("in_person_id", detail.Text("identityMethod"));
        Assert.Empty(detail.Body.GetProperty("reviewReasons").EnumerateArray());
        Assert.Equal(System.Text.Json.JsonValueKind.Null, detail.Body.GetProperty("reviewDueBy").ValueKind);
        Assert.Equal(["submitted", "approved"], Statuses(detail));
        Assert.Equal(ShanghaiToday, DateOnly.Parse(detail.Text("effectiveOn"), System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal("pending_cancellation", await LineStatusAsync(clerk, line.Msisdn));
    }

    [Fact]
    public async Task Submit_StoreRightIdEndOfBillingCycle_IsScheduledForTheLastDayOfTheMonth()
    {
        var host = await hosts.SqliteAsync();
        var line = await host.AddLineAsync();

        var submitted = await SubmitInStoreAsync(host, line, "end_of_billing_cycle");

        Assert.Equal(HttpStatusCode.Created, submitted.Status);
        Assert.Equal("scheduled", submitted.Text("status"));
        var detail = await GetRequestAsync(await host.StaffAsync("clerk"), submitted.Id);
        Assert.Equal(Scenario.ClerkStore, detail.Text("storeId"));
        Assert.Equal("end_of_billing_cycle", detail.Text("effective"));
        Assert.Equal(["submitted", "approved", "scheduled"], Statuses(detail));
        var today = ShanghaiToday;
        var monthEnd = new DateOnly(today.Year, today.Month, DateTime.DaysInMonth(today.Year, today.Month));
        Assert.Equal(monthEnd, DateOnly.Parse(detail.Text("effectiveOn"), System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public async Task Submit_StoreWrongId_Is422RealNameMismatch_AndCreatesNothing()
    {
        var host = await hosts.SqliteAsync();
        var line = await host.AddLineAsync();
        var someoneElse = await host.AddLineAsync();

        var refused = await SubmitInStoreAsync(host, line, idNumber: someoneElse.IdNumber);

        Assert.Equal(HttpStatusCode.UnprocessableEntity, refused.Status);
        Assert.Equal("not_eligible", refused.Code);
        Assert.Equal(["real_name_mismatch"], Codes(refused.Body.GetProperty("blockers")));
        Assert.Empty(await host.RequestsForAsync(line.Msisdn));
        Assert.Equal(LineStatus.Active, await host.LineStatusInDatabaseAsync(line.Msisdn));
    }

    [Theory]
    [InlineData("recent_sim_change")]
    [InlineData("recent_ownership_change")]
    [InlineData("recent_password_reset")]
    [InlineData("recent_fraud_hold")]
    public async Task Submit_StoreWithRiskRule_GoesToReviewWithTheRiskCode(string risk)
    {
        var host = await hosts.SqliteAsync();
        var line = await host.AddLineAsync();
        var now = DateTimeOffset.UtcNow;
        await host.SetLineAsync(line.Msisdn, risk switch
        {
            "recent_sim_change" => s => s.SetProperty(l => l.SimChangedAt, now.AddDays(-10)),
            "recent_ownership_change" => s => s.SetProperty(l => l.OwnerSince, now.AddDays(-5)),
            "recent_password_reset" => s => s.SetProperty(l => l.ServicePasswordResetAt, now.AddDays(-3)),
            _ => s => s.SetProperty(l => l.FraudHoldReleasedAt, now.AddDays(-5)),
        });

        var submitted = await SubmitInStoreAsync(host, line);

        Assert.Equal(HttpStatusCode.Created, submitted.Status);
        Assert.Equal("under_review", submitted.Text("status"));
        Assert.Contains(submitted.Body.GetProperty("warnings").EnumerateArray(), w => w.GetProperty("code").GetString() == risk);
        var detail = await GetRequestAsync(await host.StaffAsync("reviewer"), submitted.Id);
        Assert.Equal([risk], Strings(detail.Body.GetProperty("reviewReasons")));
        Assert.Equal("store", detail.Text("channel"));
        Assert.Equal(Scenario.ClerkStore, detail.Text("storeId"));
        Assert.NotEqual(System.Text.Json.JsonValueKind.Null, detail.Body.GetProperty("reviewDueBy").ValueKind);
        var queue = await GetAsync(await host.StaffAsync("reviewer"), "/api/v1/review-queue");
        Assert.Contains(queue.Body.GetProperty("items").EnumerateArray(), i => i.GetProperty("id").GetGuid() == submitted.Id);
    }

    [Theory]
    [InlineData("reviewer")]
    [InlineData("supervisor")]
    [InlineData("admin")]
    public async Task Submit_ByBackOfficeStaff_Is403_AndCreatesNothing(string username)
    {
        var host = await hosts.SqliteAsync();
        var line = await host.AddLineAsync();

        var refused = await SubmitAsync(await host.StaffAsync(username),
            new { msisdn = line.Msisdn, effective = "immediate", identityCheck = new { method = "in_person_id", idNumber = line.IdNumber } });

        Assert.Equal(HttpStatusCode.Forbidden, refused.Status);
        Assert.Empty(await host.RequestsForAsync(line.Msisdn));
    }

    [Theory]
    [MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task Submit_TwiceForTheSameLine_SecondIsRefused_OneLiveRequest(DatabaseProvider provider)
    {
        var host = await hosts.ForAsync(provider);
        var line = await host.AddLineAsync();
        var first = await SubmitInStoreAsync(host, line, "end_of_billing_cycle");
        Assert.Equal(HttpStatusCode.Created, first.Status);

        var second = await SubmitInStoreAsync(host, line, "immediate");
        var online = await SubmitAsync(await host.CustomerAsync(line), new
        {
            msisdn = line.Msisdn,
            effective = "immediate",
            documentIds = new[] { await TestDocuments.UploadAsync(await host.CustomerAsync(line), TestDocuments.Png) },
        });

        foreach (var refused in new[] { second, online })
        {
            Assert.True(refused.Status is HttpStatusCode.UnprocessableEntity or HttpStatusCode.Conflict, $"Expected 422 or 409, got {refused.Status}");
            if (refused.Status == HttpStatusCode.UnprocessableEntity)
            {
                Assert.Equal("not_eligible", refused.Code);
                Assert.Contains("cancellation_pending", Codes(refused.Body.GetProperty("blockers")));
            }
        }
        var requests = await host.RequestsForAsync(line.Msisdn);
        var only = Assert.Single(requests);
        Assert.Equal(first.Id, only.Id);
        Assert.Equal(CancellationStatus.Scheduled, only.Status);
    }

    [Theory]
    [MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task Submit_TwoClerksAtOnceForTheSameLine_ExactlyOneIsCreated(DatabaseProvider provider)
    {
        var host = await hosts.ForAsync(provider);
        // Warm both clerks' sessions so that the two submissions really start together.
        await host.StaffAsync("clerk");
        await host.StaffAsync("clerk2");
        var lines = await host.AddLinesAsync(new LineSpec(), new LineSpec(), new LineSpec());

        foreach (var line in lines)
        {
            var answers = await Task.WhenAll(
                SubmitInStoreAsync(host, line, "immediate", "clerk"),
                SubmitInStoreAsync(host, line, "immediate", "clerk2"));

            var created = Assert.Single(answers, a => a.Status == HttpStatusCode.Created);
            var loser = Assert.Single(answers, a => a.Status != HttpStatusCode.Created);
            Assert.True(loser.Status is HttpStatusCode.Conflict or HttpStatusCode.UnprocessableEntity, $"Expected 409 or 422, got {loser.Status} {loser.Code}");
            var requests = await host.RequestsForAsync(line.Msisdn);
            var only = Assert.Single(requests);
            Assert.Equal(created.Id, only.Id);
            Assert.Contains(only.Status, CancellationRequest.LiveStatuses);
            Assert.Equal(LineStatus.PendingCancellation, await host.LineStatusInDatabaseAsync(line.Msisdn));
        }
    }

    [Fact]
    public async Task Submit_InvalidEffective_Is400InvalidEffective()
    {
        var host = await hosts.SqliteAsync();
        var line = await host.AddLineAsync();

        var refused = await SubmitAsync(await host.StaffAsync("clerk"),
            new { msisdn = line.Msisdn, effective = "next_tuesday", identityCheck = new { method = "in_person_id", idNumber = line.IdNumber } });

        Assert.Equal(HttpStatusCode.BadRequest, refused.Status);
        Assert.Equal("invalid_effective", refused.Code);
        Assert.Empty(await host.RequestsForAsync(line.Msisdn));
    }

    [Fact]
    public async Task Submit_CustomerForAnotherCustomersLine_Is404()
    {
        var host = await hosts.SqliteAsync();
        var mine = await host.AddLineAsync();
        var theirs = await host.AddLineAsync();
        var customer = await host.CustomerAsync(mine);
        var document = await TestDocuments.UploadAsync(customer, TestDocuments.Png);

        var refused = await SubmitAsync(customer, new { msisdn = theirs.Msisdn, effective = "immediate", documentIds = new[] { document } });

        Assert.Equal(HttpStatusCode.NotFound, refused.Status);
        Assert.Equal("line_not_found", refused.Code);
        Assert.Empty(await host.RequestsForAsync(theirs.Msisdn));
        Assert.Equal(LineStatus.Active, await host.LineStatusInDatabaseAsync(theirs.Msisdn));
    }
}
