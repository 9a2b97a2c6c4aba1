using LastCall.Domain.Billing;
using LastCall.Domain.Common;
using LastCall.Domain.Customers;
using LastCall.Domain.Lines;

namespace LastCall.Domain.Tests.Cancellations;

/// <summary>Lines, owners and accounts for the eligibility and alternatives tests, clean unless told otherwise.</summary>
internal static class CancellationTestData
{
    /// <summary>The moment eligibility is asked: 10:00 in Beijing on Tue 2026-03-10.</summary>
    public static readonly DateTimeOffset Now = new(2026, 3, 10, 2, 0, 0, TimeSpan.Zero);

    public static readonly DateOnly Today = new(2026, 3, 10);

    /// <summary>When the line was activated: long before any of the recent-change windows.</summary>
    public static readonly DateOnly ActivatedOn = new(2023, 5, 20);

    public static readonly DateTimeOffset CreatedAt = new(2023, 5, 20, 8, 0, 0, TimeSpan.Zero);

    public static readonly Msisdn Number = TestData.Msisdn("+8613800000001");
    public static readonly Msisdn MemberA = TestData.Msisdn("+8613900000002");
    public static readonly Msisdn MemberB = TestData.Msisdn("+8613700000003");

    public static readonly Guid OwnerId = new("0193a1b2-0000-7000-8000-0000000000a1");
    public static readonly Guid NewOwnerId = new("0193a1b2-0000-7000-8000-0000000000b2");

    private static readonly ProtectedIdNumber IdNumber = new("ciphertext-base64", "blind-index-hex", "1101**********1233");

    public static LineDetails Details(
        DateOnly? activatedOn = null,
        DateOnly? contractEndsOn = null,
        BundleRole bundleRole = BundleRole.None,
        Msisdn? bundlePrimary = null,
        PortState portState = PortState.None,
        bool fraudHold = false,
        DateOnly? simChangedOn = null,
        Msisdn? msisdn = null) =>
        new(msisdn ?? Number, "Unlimited 5G 199", activatedOn ?? ActivatedOn, contractEndsOn, bundleRole, bundlePrimary, portState, fraudHold, simChangedOn);

    public static Line NewLine(LineDetails? details = null, DateTimeOffset? createdAt = null) =>
        Line.Create(details ?? Details(), OwnerId, "hash-v1", createdAt ?? CreatedAt).Value;

    public static Line LineIn(LineStatus status)
    {
        var line = NewLine();
        var result = status switch
        {
            LineStatus.Active => Result.Success,
            LineStatus.Suspended => line.Suspend(CreatedAt),
            LineStatus.Barred => line.Bar(CreatedAt),
            LineStatus.PendingCancellation => line.BeginCancellation(CreatedAt),
            LineStatus.Cancelled => Both(line.BeginCancellation(CreatedAt), () => line.CompleteCancellation(CreatedAt)),
            LineStatus.PortedOut => Both(line.BeginCancellation(CreatedAt), () => line.CompletePortOut(CreatedAt)),
            _ => throw new ArgumentOutOfRangeException(nameof(status)),
        };
        Assert.True(result.IsSuccess);
        Assert.Equal(status, line.Status);
        return line;
    }

    /// <summary>A bundle member line (for the primary's member list).</summary>
    public static Line Member(Msisdn msisdn) =>
        NewLine(Details(msisdn: msisdn, bundleRole: BundleRole.Member, bundlePrimary: Number));

    public static Customer Owner(bool locked = false)
    {
        var owner = Customer.Register("Zhang San", IdType.ResidentId, IdNumber, "zh-CN", null, CreatedAt).Value;
        if (locked)
            Assert.True(owner.LockAccount(CreatedAt).IsSuccess);
        return owner;
    }

    public static BillingAccount Account(decimal balance = 0m, decimal arrears = 0m, string currency = "CNY") =>
        BillingAccount.Open(Guid.NewGuid(), currency, balance, arrears).Value;

    public static ProfileSpec Primary(string device = "iPhone 15") =>
        new(TestData.Iccid("898600123456789012"), null, ProfileRole.Primary, device);

    public static ProfileSpec Companion(string iccidBody, string device) =>
        new(TestData.Iccid(iccidBody), null, ProfileRole.Companion, device);

    private static Result Both(Result first, Func<Result> second) => first.IsSuccess ? second() : first;
}
