using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using LastCall.Auditing;
using LastCall.Data;
using LastCall.Tests.Features.Cancellations;
using LastCall.TestSupport;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace LastCall.Tests.Features.Tmf;

/// <summary>
/// TMF622 termination orders from the operator's BSS on both providers: an order becomes a cancellation in channel
/// <c>bss</c> that a reviewer decides, and the order's state follows it to completed, rejected or cancelled; refused
/// orders name every blocker as a TMF error and leave nothing behind; Idempotency-Key works as everywhere; every
/// answer validates against the TMF622 v5 schema, and every change is in the audit chain.
/// </summary>
public sealed class ProductOrderTests(PostgresCluster postgres)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static HttpRequestMessage Post(string path, object body, string idempotencyKey) =>
        new(HttpMethod.Post, path) { Content = JsonContent.Create(body), Headers = { { "Idempotency-Key", idempotencyKey } } };

    [Theory]
    [MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task Order_IsAcknowledged_ReviewedInChannelBss_AndCompletesWithTheTermination(DatabaseProvider provider)
    {
        await using var h = await TmfHarness.StartAsync(postgres, provider, execution: true);
        var line = await h.AddLineAsync(new LineSpec { Companion = "Apple Watch Series 10" });
        var productId = await h.ProductIdAsync(line);
        var order = TmfHarness.TerminationOrder(productId, itemId: "A1", externalId: "CRM-4711");

        using var first = await h.Bss.SendAsync(Post(TmfHarness.OrderPath, order, "order-1"), Ct);
        using var replay = await h.Bss.SendAsync(Post(TmfHarness.OrderPath, order, "order-1"), Ct);
        using var reused = await h.Bss.SendAsync(Post(TmfHarness.OrderPath, TmfHarness.TerminationOrder(productId, itemId: "B2"), "order-1"), Ct);

        var firstBody = await first.Content.ReadAsStringAsync(Ct);
        Assert.True(first.StatusCode == HttpStatusCode.Created, firstBody);
        TmfSchemas.AssertValid(TmfSchemas.ProductOrdering, "ProductOrder", firstBody);
        var placed = JsonDocument.Parse(firstBody).RootElement;
        var id = placed.GetProperty("id").GetGuid();
        Assert.Equal("acknowledged", placed.GetProperty("state").GetString());
        Assert.Equal(placed.GetProperty("href").GetString(), first.Headers.Location!.ToString());
        Assert.EndsWith($"/tmf-api/productOrdering/v5/productOrder/{id}", placed.GetProperty("href").GetString(), StringComparison.Ordinal);
        var item = Assert.Single(placed.GetProperty("productOrderItem").EnumerateArray());
        Assert.Equal("A1", item.GetProperty("id").GetString());
        Assert.Equal("delete", item.GetProperty("action").GetString());
        Assert.Equal("acknowledged", item.GetProperty("state").GetString());
        Assert.Equal(productId, item.GetProperty("product").GetProperty("id").GetGuid());
        Assert.Equal("CRM-4711", Assert.Single(placed.GetProperty("externalId").EnumerateArray()).GetProperty("id").GetString());
        var party = Assert.Single(placed.GetProperty("relatedParty").EnumerateArray()).GetProperty("partyOrPartyRole");
        Assert.Equal("王*", party.GetProperty("name").GetString());
        Assert.True(placed.TryGetProperty("expectedCompletionDate", out _));

        // The same key and body is answered again; the same key with another body is refused, as a TMF error.
        Assert.Equal(HttpStatusCode.Created, replay.StatusCode);
        Assert.Equal(firstBody, await replay.Content.ReadAsStringAsync(Ct));
        Assert.True(replay.Headers.Contains("Idempotent-Replayed"));
        var reusedBody = await reused.Content.ReadAsStringAsync(Ct);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, reused.StatusCode);
        TmfSchemas.AssertValid(TmfSchemas.ProductOrdering, "Error", reusedBody);
        Assert.Equal("idempotency_key_reused", JsonDocument.Parse(reusedBody).RootElement.GetProperty("code").GetString());

        // The product waits for termination; the staff console's API shows a BSS request under review.
        Assert.Equal("pendingTerminate", (await h.GetProductAsync(productId)).Text("status"));
        var reviewer = await h.Host.StaffAsync("reviewer");
        var request = await CancellationApi.GetRequestAsync(reviewer, id);
        Assert.Equal("bss", request.Text("channel"));
        Assert.Equal("under_review", request.Text("status"));
        Assert.Equal("bss_order", request.Text("identityMethod"));
        Assert.Equal($"partner:{h.BssId}", request.Text("submittedBy"));
        Assert.Contains("bss", request.Body.GetProperty("reviewReasons").EnumerateArray().Select(r => r.GetString()));
        var queue = await CancellationApi.GetAsync(reviewer, "/api/v1/review-queue");
        Assert.Equal("bss", queue.Body.GetProperty("items").EnumerateArray().Single(i => i.GetProperty("id").GetGuid() == id).GetProperty("channel").GetString());
        await using (var db = h.Host.Database.CreateContext())
            Assert.Equal(1, await db.CancellationRequests.CountAsync(r => r.LineId == productId, Ct));

        // Approved, it runs through every step and the order completes with it.
        Assert.Equal(HttpStatusCode.OK, (await CancellationApi.ApproveAsync(reviewer, id)).Status);
        var completed = await h.WaitForOrderStateAsync(id, "completed", 60);
        TmfSchemas.AssertValid(TmfSchemas.ProductOrdering, "ProductOrder", completed);
        Assert.Equal("completed", Assert.Single(completed.GetProperty("productOrderItem").EnumerateArray()).GetProperty("state").GetString());
        Assert.True(completed.TryGetProperty("completionDate", out _));
        Assert.False(completed.TryGetProperty("expectedCompletionDate", out _));
        var product = await h.GetProductAsync(productId);
        Assert.Equal("terminated", product.Text("status"));
        Assert.True(product.Body.TryGetProperty("terminationDate", out _));
        Assert.NotNull((await CancellationApi.GetRequestAsync(reviewer, id)).Body.GetProperty("certificateNumber").GetString());

        // Only the client that placed it sees the order; an ordinary partner reaches no TMF route.
        var (_, otherCrm) = await TmfHarness.CreatePartnerAsync(h.Scenario, "Other CRM", ["bss"]);
        using (otherCrm)
        {
            var hidden = await h.GetOrderAsync(id, otherCrm);
            Assert.Equal(HttpStatusCode.NotFound, hidden.Status);
            Assert.Equal("product_order_not_found", hidden.Code);
        }
        var refused = await h.GetOrderAsync(id, h.Partner);
        Assert.Equal(HttpStatusCode.Forbidden, refused.Status);
        TmfSchemas.AssertValid(TmfSchemas.ProductOrdering, "Error", refused.Body);

        // Every change is in the audit trail, in order; sealed into the chain, the chain holds.
        var actions = await h.AuditActionsAsync(line.Msisdn);
        var placedAt = actions.IndexOf("tmf.product_order.placed");
        Assert.True(placedAt >= 0 && placedAt < actions.IndexOf("cancellation.submitted") && actions.IndexOf("cancellation.submitted") < actions.IndexOf("cancellation.approved"), string.Join(", ", actions));
        Assert.Single(actions, a => a == "tmf.product_order.placed");
        await h.Scenario.Host.Services.GetRequiredService<AuditChainSealer>().SealPendingAsync(Ct);
        await using (var db = h.Host.Database.CreateContext())
            Assert.True(await db.AuditEvents.Where(e => e.Action == "tmf.product_order.placed").AllAsync(e => e.Sequence != null, Ct));
        var verification = await h.Scenario.Host.Services.GetRequiredService<AuditChainVerifier>().VerifyAsync(Ct);
        Assert.Null(verification.FirstBreak);
    }

    [Theory]
    [MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task Order_FollowsARejection_AndAWithdrawal_AndTheProductIsActiveAgain(DatabaseProvider provider)
    {
        await using var h = await TmfHarness.StartAsync(postgres, provider);
        var (toReject, toWithdraw) = (await h.Host.AddLineAsync(), await h.Host.AddLineAsync(new LineSpec { Status = "suspended", StatusSince = "2026-10-01" }));
        var rejectId = (await h.PlaceOrderAsync(TmfHarness.TerminationOrder(await h.ProductIdAsync(toReject)))).Id;
        var withdrawProduct = await h.ProductIdAsync(toWithdraw);
        var withdrawId = (await h.PlaceOrderAsync(TmfHarness.TerminationOrder(withdrawProduct))).Id;
        Assert.Equal("pendingTerminate", (await h.GetProductAsync(withdrawProduct)).Text("status"));

        var reviewer = await h.Host.StaffAsync("reviewer");
        Assert.Equal(HttpStatusCode.OK, (await CancellationApi.RejectAsync(reviewer, rejectId, "The ID on file is expired; please visit a store.")).Status);
        var rejected = (await h.GetOrderAsync(rejectId)).Body;
        TmfSchemas.AssertValid(TmfSchemas.ProductOrdering, "ProductOrder", rejected);
        Assert.Equal("rejected", rejected.GetProperty("state").GetString());
        var why = Assert.Single(rejected.GetProperty("productOrderErrorMessage").EnumerateArray());
        Assert.Equal("rejected_by_review", why.GetProperty("code").GetString());
        Assert.Equal("The ID on file is expired; please visit a store.", why.GetProperty("message").GetString());
        Assert.Equal("active", (await h.GetProductAsync(await h.ProductIdAsync(toReject))).Text("status"));

        // The owner withdraws in the cooling-off: the order is cancelled and the line suspended again, as it was.
        var owner = await h.Host.CustomerAsync(toWithdraw);
        Assert.Equal(HttpStatusCode.OK, (await CancellationApi.WithdrawAsync(owner, withdrawId)).Status);
        var cancelled = (await h.GetOrderAsync(withdrawId)).Body;
        TmfSchemas.AssertValid(TmfSchemas.ProductOrdering, "ProductOrder", cancelled);
        Assert.Equal("cancelled", cancelled.GetProperty("state").GetString());
        Assert.Equal("cancelled", Assert.Single(cancelled.GetProperty("productOrderItem").EnumerateArray()).GetProperty("state").GetString());
        Assert.True(cancelled.TryGetProperty("cancellationDate", out _));
        Assert.Equal("suspended", (await h.GetProductAsync(withdrawProduct)).Text("status"));

        static IEnumerable<string> OrderActions(List<string> actions) =>
            actions.Where(a => a.StartsWith("tmf.", StringComparison.Ordinal) || (a.StartsWith("cancellation.", StringComparison.Ordinal) && a != "cancellation.viewed"));
        Assert.Equal(["tmf.product_order.placed", "cancellation.submitted", "cancellation.rejected"], OrderActions(await h.AuditActionsAsync(toReject.Msisdn)));
        Assert.Equal(["tmf.product_order.placed", "cancellation.submitted", "cancellation.withdrawn"], OrderActions(await h.AuditActionsAsync(toWithdraw.Msisdn)));
    }

    [Theory]
    [MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task RefusedOrders_NameEveryBlockerAsATmfError_AndLeaveNothingBehind(DatabaseProvider provider)
    {
        await using var h = await TmfHarness.StartAsync(postgres, provider);
        var owing = await h.Host.AddLineAsync(new LineSpec { Arrears = "158.00", ContractEndsOn = new DateOnly(2030, 6, 30) });
        var owingProduct = await h.ProductIdAsync(owing);

        var refused = await h.PlaceOrderAsync(TmfHarness.TerminationOrder(owingProduct));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, refused.Status);
        TmfSchemas.AssertValid(TmfSchemas.ProductOrdering, "Error", refused.Body);
        Assert.Equal("not_eligible", refused.Code);
        Assert.Equal("422", refused.Text("status"));
        var blockers = refused.Body.GetProperty("blockers").EnumerateArray().ToList();
        Assert.Equal(["arrears", "contract_commitment"], blockers.Select(b => b.GetProperty("code").GetString()).Order());
        Assert.All(blockers, b => TmfSchemas.AssertValid(TmfSchemas.ProductOrdering, "Error", b));
        Assert.All(blockers, b => Assert.False(string.IsNullOrEmpty(b.GetProperty("message").GetString())));

        // Nothing was filed, the refusal is audited, and the product is untouched.
        await using (var db = h.Host.Database.CreateContext())
        {
            Assert.Equal(0, await db.CancellationRequests.CountAsync(r => r.LineId == owingProduct, Ct));
            Assert.Equal(0, await db.ProductOrders.CountAsync(o => o.LineId == owingProduct, Ct));
        }
        Assert.Contains("cancellation.refused", await h.AuditActionsAsync(owing.Msisdn));
        Assert.Equal("active", (await h.GetProductAsync(owingProduct)).Text("status"));

        // A product with an order under way cannot be ordered again: its pending cancellation is a blocker.
        var clean = await h.Host.AddLineAsync();
        var cleanProduct = await h.ProductIdAsync(clean);
        Assert.Equal(HttpStatusCode.Created, (await h.PlaceOrderAsync(TmfHarness.TerminationOrder(cleanProduct))).Status);
        var again = await h.PlaceOrderAsync(TmfHarness.TerminationOrder(cleanProduct));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, again.Status);
        Assert.Contains("cancellation_pending", again.Body.GetProperty("blockers").EnumerateArray().Select(b => b.GetProperty("code").GetString()));

        // Orders LastCall does not take, each with its own code, and nothing filed for any.
        var terminated = await h.Host.AddLineAsync(new LineSpec { Status = "cancelled", StatusSince = "2026-09-01" });
        var item = new Dictionary<string, object> { ["id"] = "1", ["action"] = "delete", ["product"] = new { id = cleanProduct } };
        foreach (var (body, status, code) in new (object Body, HttpStatusCode Status, string Code)[]
        {
            (new { productOrderItem = Array.Empty<object>() }, HttpStatusCode.BadRequest, "invalid_order"),
            (new { productOrderItem = new[] { item, item } }, HttpStatusCode.BadRequest, "invalid_order"),
            (new { productOrderItem = new[] { new { id = "1", action = "add", product = new { id = cleanProduct } } } }, HttpStatusCode.UnprocessableEntity, "unsupported_action"),
            (new { productOrderItem = new[] { new { id = "1", action = "delete", quantity = 2, product = new { id = cleanProduct } } } }, HttpStatusCode.BadRequest, "invalid_quantity"),
            (new { productOrderItem = new[] { new { id = "1", action = "delete", product = new { id = Guid.NewGuid() } } } }, HttpStatusCode.UnprocessableEntity, "product_not_found"),
            (new { productOrderItem = new[] { new { id = "1", action = "delete", product = new { id = "not-a-product" } } } }, HttpStatusCode.UnprocessableEntity, "product_not_found"),
            (TmfHarness.TerminationOrder(await h.ProductIdAsync(terminated)), HttpStatusCode.UnprocessableEntity, "product_terminated"),
            (new { requestedCompletionDate = "2031-02-14T00:00:00Z", productOrderItem = new[] { new { id = "1", action = "delete", product = new { id = owingProduct } } } }, HttpStatusCode.UnprocessableEntity, "unsupported_completion_date"),
        })
        {
            var answer = await h.PlaceOrderAsync(body);
            Assert.True(answer.Status == status && answer.Code == code, $"{JsonSerializer.Serialize(body)} gave {(int)answer.Status} {answer.Body}");
            TmfSchemas.AssertValid(TmfSchemas.ProductOrdering, "Error", answer.Body);
        }
        using (var broken = new HttpRequestMessage(HttpMethod.Post, TmfHarness.OrderPath) { Content = new StringContent("{\"productOrderItem\": [", System.Text.Encoding.UTF8, "application/json") })
        {
            var answer = await CancellationApi.ReadAsync(await h.Bss.SendAsync(broken, Ct));
            Assert.Equal(HttpStatusCode.BadRequest, answer.Status);
            Assert.Equal("invalid_json", answer.Code);
            TmfSchemas.AssertValid(TmfSchemas.ProductOrdering, "Error", answer.Body);
        }
        await using (var db = h.Host.Database.CreateContext())
            Assert.Equal(1, await db.ProductOrders.CountAsync(Ct));
    }
}
