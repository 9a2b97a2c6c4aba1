using LastCall.Domain.Common;
using LastCall.Domain.Partners;

namespace LastCall.Domain.Tests.Partners;

public sealed class WebhookDeliveryTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 1, 8, 0, 0, TimeSpan.Zero);

    private static readonly IReadOnlyList<TimeSpan> Schedule = [TimeSpan.FromSeconds(5), TimeSpan.FromMinutes(5), TimeSpan.FromMinutes(30)];

    private static WebhookDelivery NewDelivery() => WebhookDelivery.Create(Guid.NewGuid(), "number.disconnected:x", "number.disconnected", "{}", Now);

    private static TimeSpan NoJitter(TimeSpan t) => t;

    [Fact]
    public void Create_IsDueAtOnce_WithAStableWebhookId()
    {
        var delivery = NewDelivery();

        Assert.Equal(DeliveryStatus.Pending, delivery.Status);
        Assert.Equal(Now, delivery.NextAttemptAt);
        Assert.Equal("msg_" + delivery.Id.ToString("N"), delivery.WebhookId);
    }

    [Fact]
    public void Attempted_FailuresFollowTheSchedule_ThenTheDeliveryFails()
    {
        var delivery = NewDelivery();
        var at = Now;
        foreach (var wait in Schedule)
        {
            delivery.Attempted(new AttemptOutcome(at, 500, null, TimeSpan.Zero), Schedule, NoJitter);
            Assert.Equal(DeliveryStatus.Pending, delivery.Status);
            Assert.Equal(at + wait, delivery.NextAttemptAt);
            at += wait;
        }

        var last = delivery.Attempted(new AttemptOutcome(at, null, "timeout", TimeSpan.FromSeconds(15)), Schedule, NoJitter);

        Assert.Equal(DeliveryStatus.Failed, delivery.Status);
        Assert.Null(delivery.NextAttemptAt);
        Assert.Equal(4, delivery.Attempts);
        Assert.Equal(4, last.Number);
        Assert.Equal("timeout", last.Error);
    }

    [Fact]
    public void Attempted_2xx_Succeeds()
    {
        var delivery = NewDelivery();

        delivery.Attempted(new AttemptOutcome(Now, 204, null, TimeSpan.FromMilliseconds(20)), Schedule, NoJitter);

        Assert.Equal(DeliveryStatus.Succeeded, delivery.Status);
        Assert.Equal(Now, delivery.CompletedAt);
    }

    [Theory]
    [InlineData(429)]
    [InlineData(503)]
    public void Attempted_ThrottledWithRetryAfter_WaitsAsLongAsAsked(int status)
    {
        var delivery = NewDelivery();

        delivery.Attempted(new AttemptOutcome(Now, status, null, TimeSpan.Zero, TimeSpan.FromMinutes(42)), Schedule, NoJitter);

        Assert.Equal(Now + TimeSpan.FromMinutes(42), delivery.NextAttemptAt);
    }

    [Fact]
    public void Attempted_Gone_KeepsWaitingWithoutUsingTheSchedule()
    {
        var delivery = NewDelivery();

        for (var i = 0; i < 10; i++)
            delivery.Attempted(new AttemptOutcome(Now, 410, null, TimeSpan.Zero), Schedule, NoJitter);

        Assert.Equal(DeliveryStatus.Pending, delivery.Status);
        Assert.Equal(0, delivery.RoundAttempts);
    }

    [Fact]
    public void Redeliver_AFailedDelivery_StartsANewRoundWithTheSameId()
    {
        var delivery = NewDelivery();
        var id = delivery.WebhookId;
        for (var i = 0; i <= Schedule.Count; i++)
            delivery.Attempted(new AttemptOutcome(Now, 500, null, TimeSpan.Zero), Schedule, NoJitter);
        Assert.Equal(DeliveryStatus.Failed, delivery.Status);

        var later = Now.AddDays(3);
        Assert.True(delivery.Redeliver(later).IsSuccess);

        Assert.Equal(DeliveryStatus.Pending, delivery.Status);
        Assert.Equal(later, delivery.NextAttemptAt);
        Assert.Equal(0, delivery.RoundAttempts);
        Assert.Equal(id, delivery.WebhookId);
    }

    [Fact]
    public void Acknowledge_Twice_SaysAlreadyAcknowledged()
    {
        var request = UnbindingRequest.Create(Guid.NewGuid(), Msisdn.Parse("+8613800000001"), Guid.NewGuid(), Now);

        Assert.True(request.Acknowledge(Now).IsSuccess);
        Assert.Equal("already_acknowledged", request.Acknowledge(Now.AddMinutes(1)).Error!.Code);
        Assert.Equal(Now, request.AcknowledgedAt);
    }

    [Fact]
    public void ChecklistMark_LabelOnlyForOther()
    {
        var alipay = UnbindingChecklistItem.Create(Guid.NewGuid(), "alipay").Value;
        var other = UnbindingChecklistItem.Create(Guid.NewGuid(), "other").Value;

        Assert.Equal("label_not_allowed", alipay.Mark(true, "mine", Now).Error!.Code);
        Assert.True(other.Mark(true, "招商银行", Now).IsSuccess);
        Assert.Equal("招商银行", other.Label);
        Assert.Equal("unknown_checklist_item", UnbindingChecklistItem.Create(Guid.NewGuid(), "myspace").Error!.Code);
    }
}
