using System.Net;
using LastCall.Data;
using LastCall.Domain.Cancellations;
using LastCall.Domain.Lines;
using LastCall.TestSupport;
using static LastCall.Tests.Features.Cancellations.CancellationApi;

namespace LastCall.Tests.Features.Cancellations;

/// <summary>
/// Approve, reject and withdraw over HTTP: only from the states that allow them, with reasons the
/// customer sees, the line going back to active, and races that leave one consistent outcome.
/// </summary>
[Collection(CancellationCollection.Name)]
public sealed class CancellationTransitionTests(CancellationHosts hosts)
{
    private static string[] Statuses(ApiResponse detail) =>
        [.. detail.Body.GetProperty("history").EnumerateArray().Select(h => h.GetProperty("status").GetString()!)];

    [Fact]
    public async Task Approve_OnlyUnderReview_ApprovingAgainOrAStoreApprovalIs409InvalidTransition()
    {
        var host = await hosts.SqliteAsync();
        var reviewer = await host.StaffAsync("reviewer");
        var online = await host.AddLineAsync();
        var inStore = await host.AddLineAsync();
        var id = await SubmitOnlineAsync(host, online);
        var storeApproved = await SubmitInStoreAsync(host, inStore);
        Assert.Equal("approved", storeApproved.Text("status"));

        var approved = await ApproveAsync(reviewer, id);
        var again = await ApproveAsync(reviewer, id);
        var rejectApproved = await RejectAsync(reviewer, id, "too late to reject");
        var approveStore = await ApproveAsync(reviewer, storeApproved.Id);

        Assert.Equal(HttpStatusCode.OK, approved.Status);
        Assert.Equal("approved", approved.Text("status"));
        foreach (var refused in new[] { again, rejectApproved, approveStore })
        {
            Assert.Equal(HttpStatusCode.Conflict, refused.Status);
            Assert.Equal("invalid_transition", refused.Code);
        }
        var detail = await GetRequestAsync(reviewer, id);
        Assert.Equal(["submitted", "under_review", "approved"], Statuses(detail));
        Assert.Equal(["submitted", "approved"], Statuses(await GetRequestAsync(reviewer, storeApproved.Id)));
    }

    [Fact]
    public async Task Approve_ByClerkOrOwner_Is403()
    {
        var host = await hosts.SqliteAsync();
        var line = await host.AddLineAsync();
        var id = await SubmitOnlineAsync(host, line);

        Assert.Equal(HttpStatusCode.Forbidden, (await ApproveAsync(await host.StaffAsync("clerk"), id)).Status);
        Assert.Equal(HttpStatusCode.Forbidden, (await ApproveAsync(await host.CustomerAsync(line), id)).Status);
        Assert.Equal(HttpStatusCode.Forbidden, (await RejectAsync(await host.StaffAsync("supervisor"), id, "no")).Status);
        Assert.Equal("under_review", (await GetRequestAsync(await host.CustomerAsync(line), id)).Text("status"));
    }

    [Fact]
    public async Task Reject_WithoutReason_Is400ReasonRequired_AndStaysUnderReview()
    {
        var host = await hosts.SqliteAsync();
        var reviewer = await host.StaffAsync("reviewer");
        var line = await host.AddLineAsync();
        var id = await SubmitOnlineAsync(host, line);

        var missing = await RejectAsync(reviewer, id, null);
        var blank = await RejectAsync(reviewer, id, "   ");

        Assert.Equal(HttpStatusCode.BadRequest, missing.Status);
        Assert.Equal("reason_required", missing.Code);
        Assert.Equal(HttpStatusCode.BadRequest, blank.Status);
        Assert.Equal("reason_required", blank.Code);
        var detail = await GetRequestAsync(reviewer, id);
        Assert.Equal("under_review", detail.Text("status"));
        Assert.Equal("pending_cancellation", await LineStatusAsync(reviewer, line.Msisdn));
    }

    [Fact]
    public async Task Reject_WithReason_OwnerSeesItInTheRequestAndBySms_LineActiveAgain()
    {
        var host = await hosts.SqliteAsync();
        var reviewer = await host.StaffAsync("reviewer");
        var line = await host.AddLineAsync();
        var owner = await host.CustomerAsync(line);
        var id = await SubmitOnlineAsync(host, line);
        const string reason = "身份证照片不清晰，请重新上传";

        var rejected = await RejectAsync(reviewer, id, reason);

        Assert.Equal(HttpStatusCode.OK, rejected.Status);
        var detail = await GetRequestAsync(owner, id);
        Assert.Equal("rejected", detail.Text("status"));
        Assert.Equal(reason, detail.Text("rejectionReason"));
        var last = detail.Body.GetProperty("history").EnumerateArray().Last();
        Assert.Equal("rejected", last.GetProperty("status").GetString());
        Assert.Equal(reason, last.GetProperty("reason").GetString());
        var sms = (await MessagesAsync(host.Scenario, line.Msisdn)).First(m => m.GetProperty("template").GetString() == "cancellation_rejected");
        Assert.Contains(reason, sms.GetProperty("body").GetString()!, StringComparison.Ordinal);
        Assert.Contains("未通过", sms.GetProperty("body").GetString()!, StringComparison.Ordinal);
        Assert.Equal("active", await LineStatusAsync(owner, line.Msisdn));
        // The line is free again: precheck no longer reports a pending cancellation.
        Assert.True((await PrecheckAsync(owner, line.Msisdn)).Body.GetProperty("eligible").GetBoolean());
    }

    [Theory]
    [MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task Withdraw_ByOwnerFromUnderReviewApprovedAndScheduled_IsWithdrawnAndLineActiveAgain(DatabaseProvider provider)
    {
        var host = await hosts.ForAsync(provider);
        var lines = await host.AddLinesAsync(new LineSpec(), new LineSpec(), new LineSpec());
        var underReview = await SubmitOnlineAsync(host, lines[0]);
        var approved = (await SubmitInStoreAsync(host, lines[1], "immediate")).Id;
        var scheduled = (await SubmitInStoreAsync(host, lines[2], "end_of_billing_cycle")).Id;

        foreach (var (line, id, from) in new[] { (lines[0], underReview, "under_review"), (lines[1], approved, "approved"), (lines[2], scheduled, "scheduled") })
        {
            var owner = await host.CustomerAsync(line);
            Assert.Equal(from, (await GetRequestAsync(owner, id)).Text("status"));
            Assert.Equal("pending_cancellation", await LineStatusAsync(owner, line.Msisdn));

            var withdrawn = await WithdrawAsync(owner, id);

            Assert.Equal(HttpStatusCode.OK, withdrawn.Status);
            var detail = await GetRequestAsync(owner, id);
            Assert.Equal("withdrawn", detail.Text("status"));
            var last = detail.Body.GetProperty("history").EnumerateArray().Last();
            Assert.Equal("withdrawn", last.GetProperty("status").GetString());
            Assert.StartsWith("customer:", last.GetProperty("by").GetString(), StringComparison.Ordinal);
            Assert.Equal("active", await LineStatusAsync(owner, line.Msisdn));
            Assert.Equal(LineStatus.Active, await host.LineStatusInDatabaseAsync(line.Msisdn));
        }
    }

    [Fact]
    public async Task Withdraw_Twice_SecondIs409()
    {
        var host = await hosts.SqliteAsync();
        var line = await host.AddLineAsync();
        var owner = await host.CustomerAsync(line);
        var id = await SubmitOnlineAsync(host, line);

        var first = await WithdrawAsync(owner, id);
        var second = await WithdrawAsync(owner, id);

        Assert.Equal(HttpStatusCode.OK, first.Status);
        Assert.Equal(HttpStatusCode.Conflict, second.Status);
        Assert.Equal("invalid_transition", second.Code);
        Assert.Single(Statuses(await GetRequestAsync(owner, id)), s => s == "withdrawn");
    }

    [Theory]
    [MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task Withdraw_AfterExecutionStarted_Is409TooLate(DatabaseProvider provider)
    {
        var host = await hosts.ForAsync(provider);
        var line = await host.AddLineAsync();
        var owner = await host.CustomerAsync(line);
        var id = (await SubmitInStoreAsync(host, line, "immediate")).Id;
        await host.Database.SetRequestAsync(id, s => s.SetProperty(r => r.Status, CancellationStatus.Executing));

        var refused = await WithdrawAsync(owner, id);

        Assert.Equal(HttpStatusCode.Conflict, refused.Status);
        Assert.Equal("too_late", refused.Code);
        Assert.Equal("executing", (await GetRequestAsync(owner, id)).Text("status"));
        Assert.Equal("pending_cancellation", await LineStatusAsync(owner, line.Msisdn));
    }

    [Fact]
    public async Task Withdraw_ByAnotherCustomer_Is404_AndChangesNothing()
    {
        var host = await hosts.SqliteAsync();
        var line = await host.AddLineAsync();
        var id = await SubmitOnlineAsync(host, line);

        var refused = await WithdrawAsync(await host.CustomerAsync(host.Scenario.CustomerB), id);

        Assert.Equal(HttpStatusCode.NotFound, refused.Status);
        Assert.Equal("cancellation_not_found", refused.Code);
        Assert.Equal("under_review", (await GetRequestAsync(await host.CustomerAsync(line), id)).Text("status"));
    }

    [Theory]
    [MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task Approve_TwoReviewersAtOnce_OneIs200TheOther409(DatabaseProvider provider)
    {
        var host = await hosts.ForAsync(provider);
        var first = await host.StaffAsync("reviewer");
        var second = await host.StaffAsync("reviewer2");
        var lines = await host.AddLinesAsync(new LineSpec(), new LineSpec(), new LineSpec());

        foreach (var line in lines)
        {
            var id = await SubmitOnlineAsync(host, line);

            var answers = await Task.WhenAll(ApproveAsync(first, id), ApproveAsync(second, id));

            Assert.Single(answers, a => a.Status == HttpStatusCode.OK);
            var loser = Assert.Single(answers, a => a.Status != HttpStatusCode.OK);
            Assert.Equal(HttpStatusCode.Conflict, loser.Status);
            Assert.Contains(loser.Code, new[] { "conflict", "invalid_transition" });
            var detail = await GetRequestAsync(first, id);
            Assert.Equal("approved", detail.Text("status"));
            Assert.Equal(["submitted", "under_review", "approved"], Statuses(detail));
            var stored = Assert.Single(await host.RequestsForAsync(line.Msisdn));
            Assert.Equal(3, stored.History.Count);
        }
    }

    [Theory]
    [MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task WithdrawAndApprove_AtOnce_EndInOneConsistentState(DatabaseProvider provider)
    {
        var host = await hosts.ForAsync(provider);
        var reviewer = await host.StaffAsync("reviewer");
        var lines = await host.AddLinesAsync(new LineSpec(), new LineSpec(), new LineSpec());

        foreach (var line in lines)
        {
            var owner = await host.CustomerAsync(line);
            var id = await SubmitOnlineAsync(host, line);

            var answers = await Task.WhenAll(WithdrawAsync(owner, id), ApproveAsync(reviewer, id));
            var (withdraw, approve) = (answers[0], answers[1]);

            Assert.All(answers, a => Assert.True(a.Status is HttpStatusCode.OK or HttpStatusCode.Conflict, $"Unexpected {a.Status} {a.Code}"));
            Assert.Contains(answers, a => a.Status == HttpStatusCode.OK);
            var detail = await GetRequestAsync(owner, id);
            var status = detail.Text("status");
            var history = Statuses(detail);
            Assert.Equal(status, history[^1]);
            Assert.Equal(history.Length, history.Distinct().Count());
            var stored = Assert.Single(await host.RequestsForAsync(line.Msisdn));
            Assert.Equal(history.Length, stored.History.Count);
            if (withdraw.Status == HttpStatusCode.OK)
            {
                // Withdrawn, whether or not the approval landed first.
                Assert.Equal("withdrawn", status);
                Assert.Equal(approve.Status == HttpStatusCode.OK ? ["submitted", "under_review", "approved", "withdrawn"] : ["submitted", "under_review", "withdrawn"], history);
                Assert.Equal("active", await LineStatusAsync(owner, line.Msisdn));
            }
            else
            {
                Assert.Equal(HttpStatusCode.OK, approve.Status);
                Assert.Equal("approved", status);
                Assert.Equal(["submitted", "under_review", "approved"], history);
                Assert.Equal("pending_cancellation", await LineStatusAsync(owner, line.Msisdn));
            }
        }
    }
}
