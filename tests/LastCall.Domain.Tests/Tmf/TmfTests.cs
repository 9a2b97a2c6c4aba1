using LastCall.Domain.Cancellations;
using LastCall.Domain.Common;
using LastCall.Domain.Identity;
using LastCall.Domain.Lines;
using LastCall.Domain.Tmf;

namespace LastCall.Domain.Tests.Tmf;

public class TmfTests
{
    private static readonly DateTimeOffset Now = new(2026, 3, 10, 2, 0, 0, TimeSpan.Zero);
    private static readonly Guid PartnerId = new("0193a1b2-0000-7000-8000-0000000000b5");

    [Theory]
    [InlineData(LineStatus.Active, "active")]
    [InlineData(LineStatus.Suspended, "suspended")]
    [InlineData(LineStatus.Barred, "suspended")]
    [InlineData(LineStatus.PendingCancellation, "pendingTerminate")]
    [InlineData(LineStatus.Cancelled, "terminated")]
    [InlineData(LineStatus.PortedOut, "terminated")]
    public void ProductStatusOf_EveryLineStatus_IsTheContractsWord(LineStatus line, string product) =>
        Assert.Equal(product, ProductStatus.Of(line));

    /// <summary>A line status added later (a port-out) must be given its product status, or every save that sets it fails.</summary>
    [Fact]
    public void ProductStatusOf_AnyLineStatus_IsAStatusOfTheSpecification()
    {
        foreach (var status in Enum.GetValues<LineStatus>())
            Assert.Contains(ProductStatus.Of(status), ProductStatus.All);
    }

    [Fact]
    public void LineStatusesFor_AStatus_AreEveryLineStatusMappedToIt_AndNoneForAWordThatIsNoStatus()
    {
        Assert.Equal([LineStatus.Suspended, LineStatus.Barred], ProductStatus.LineStatusesFor("suspended"));
        Assert.Equal([LineStatus.Cancelled, LineStatus.PortedOut], ProductStatus.LineStatusesFor("terminated"));
        Assert.Empty(ProductStatus.LineStatusesFor("pendingActive")!);
        Assert.Null(ProductStatus.LineStatusesFor("Active"));
        Assert.Null(ProductStatus.LineStatusesFor("gone"));
    }

    [Theory]
    [InlineData(CancellationStatus.Submitted, "acknowledged")]
    [InlineData(CancellationStatus.UnderReview, "acknowledged")]
    [InlineData(CancellationStatus.Approved, "inProgress")]
    [InlineData(CancellationStatus.Scheduled, "inProgress")]
    [InlineData(CancellationStatus.Executing, "inProgress")]
    [InlineData(CancellationStatus.WaitingForDependency, "inProgress")]
    [InlineData(CancellationStatus.Completed, "completed")]
    [InlineData(CancellationStatus.Failed, "failed")]
    [InlineData(CancellationStatus.Rejected, "rejected")]
    [InlineData(CancellationStatus.Withdrawn, "cancelled")]
    public void OrderStateOf_EveryCancellationStatus_FollowsTheRequest(CancellationStatus status, string state) =>
        Assert.Equal(state, ProductOrder.StateOf(status));

    [Fact]
    public void Place_WithoutItemId_TakesOne_AndKeepsWhatTheBssSent()
    {
        var id = Guid.CreateVersion7(Now);
        var order = ProductOrder.Place(id, PartnerId, Guid.CreateVersion7(Now), null, "  ended by the CRM ", "[]", Now).Value;

        Assert.Equal(id, order.Id);
        Assert.Equal("1", order.ItemId);
        Assert.Equal("ended by the CRM", order.Description);
    }

    [Fact]
    public void Place_TooLongOrControlCharacters_IsRefusedWithItsCode()
    {
        Assert.Equal("invalid_item_id", ProductOrder.Validate(new string('x', 65), null, "[]")!.Code);
        Assert.Equal("invalid_item_id", ProductOrder.Validate("a\nb", null, "[]")!.Code);
        Assert.Equal("invalid_description", ProductOrder.Validate("1", new string('x', 501), "[]")!.Code);
        Assert.Equal("invalid_external_id", ProductOrder.Validate("1", null, new string('x', 2001))!.Code);
        Assert.False(ProductOrder.Place(Guid.Empty, PartnerId, Guid.Empty, "a\nb", null, "[]", Now).IsSuccess);
    }

    [Theory]
    [InlineData(null, "")]
    [InlineData("", "")]
    [InlineData("eventType=ProductStateChangeEvent", "eventType=ProductStateChangeEvent")]
    public void Register_QueryForTheStateChangeEvent_IsAccepted(string? query, string kept) =>
        Assert.Equal(kept, EventHub.Register(PartnerId, query, Now).Value.Query);

    [Theory]
    [InlineData("eventType=ProductDeleteEvent")]
    [InlineData("status=active")]
    public void Register_QueryForEventsNotPublished_IsRefused(string query) =>
        Assert.Equal("unsupported_query", EventHub.Register(PartnerId, query, Now).Error!.Code);

    [Fact]
    public void Register_PartnerWithScopes_KeepsThemOnce_AndRefusesAnUnknownOne()
    {
        Assert.Equal(["bss"], Partner.Register("CRM", Now, ["bss", "bss"]).Value.Scopes);
        Assert.Empty(Partner.Register("Bank", Now).Value.Scopes);
        Assert.Equal("invalid_scope", Partner.Register("CRM", Now, ["root"]).Error!.Code);
    }

    [Fact]
    public void Submit_BssChannel_GoesToReview_AndNeedsTheOrdersIdentity()
    {
        var identity = new IdentityEvidence(IdentityMethod.BssOrder, "partner:" + PartnerId, null, Now);

        Assert.Equal(CancellationStatus.UnderReview, Submit(identity, ["bss"]).Value.Status);
        Assert.Equal("review_required", Submit(identity, []).Error!.Code);
        Assert.Equal("identity_check_required", Submit(identity with { Method = IdentityMethod.InPersonId }, ["bss"]).Error!.Code);
    }

    private static Result<CancellationRequest> Submit(IdentityEvidence identity, IReadOnlyList<string> reviewReasons) =>
        CancellationRequest.Submit(Guid.CreateVersion7(Now), TestData.Msisdn("+8613800000001"), Guid.CreateVersion7(Now), CancellationChannel.Bss,
            EffectivePolicy.Immediate, identity, [], reviewReasons, new DateOnly(2026, 3, 13), new DateOnly(2026, 3, 10), "partner:" + PartnerId, Now);
}
