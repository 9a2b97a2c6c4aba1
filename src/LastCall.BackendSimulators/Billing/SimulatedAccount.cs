using LastCall.BackendSimulators.Wire;

namespace LastCall.BackendSimulators.Billing;

public enum AccountStatus
{
    Open,
    Closed,
}

public enum LedgerEntryKind
{
    /// <summary>The account was closed with its final bill (the amount billed: the unbilled usage).</summary>
    FinalBill,

    /// <summary>Money paid back to the customer out of what the final bill left over.</summary>
    Refund,
}

/// <summary>
/// One money movement the billing system applied: replays and refusals never add one, so "billed once, refunded
/// once" means exactly one FinalBill and one Refund entry. <paramref name="Reference"/> is the refundId of a refund.
/// </summary>
public sealed record LedgerEntry(DateTimeOffset At, LedgerEntryKind Kind, string RequestId, decimal Amount, string Currency, string? Reference, string Detail);

/// <summary>
/// One billing account, keyed by MSISDN: prepaid credit (balance), postpaid arrears, usage not billed yet and the
/// deposit held, all in one currency. After the final bill it is Closed and holds what is still to be refunded
/// (<see cref="RefundDue"/>) and what the customer still owes (<see cref="Arrears"/>). Mutable, and only ever
/// touched under the state's lock.
/// </summary>
public sealed class SimulatedAccount
{
    public required string Msisdn { get; init; }
    public string Currency { get; set; } = BackendSimulatorSettings.DefaultCurrencyCode;
    public AccountStatus Status { get; set; }
    public decimal Balance { get; set; }
    public decimal Arrears { get; set; }
    public decimal UnbilledUsage { get; set; }
    public decimal Deposit { get; set; }
    public decimal RefundDue { get; set; }
    public decimal Refunded { get; set; }
    public DateTimeOffset? ClosedAt { get; set; }
    public string? FinalBillRequestId { get; set; }
    public List<LedgerEntry> Ledger { get; init; } = [];
    public List<SimulatedBill> Bills { get; init; } = [];

    /// <summary>Operator-side seeding: sets the balances and opens the account (again). The ledger is kept.</summary>
    public void Open(string currency, decimal balance, decimal arrears, decimal unbilledUsage, decimal deposit)
    {
        Currency = currency;
        Status = AccountStatus.Open;
        Balance = Amounts.Normalize(balance);
        Arrears = Amounts.Normalize(arrears);
        UnbilledUsage = Amounts.Normalize(unbilledUsage);
        Deposit = Amounts.Normalize(deposit);
        RefundDue = Amounts.Normalize(0);
        Refunded = Amounts.Normalize(0);
        ClosedAt = null;
        FinalBillRequestId = null;
    }

    /// <summary>
    /// Writes the monthly bill history a seeded account shows: one bill of <paramref name="monthlyCharge"/> for each
    /// full month since activation (at most the last 12), issued on the 1st of the month after; all paid, except that
    /// arrears make the latest bill unpaid for the amount owed. Bills of earlier seedings are replaced; a final bill stays.
    /// </summary>
    public void WriteBillHistory(DateOnly today, DateOnly? activatedOn, decimal monthlyCharge)
    {
        Bills.RemoveAll(b => b.Kind == SimulatedBill.Monthly);
        var thisMonth = new DateOnly(today.Year, today.Month, 1);
        var first = thisMonth.AddMonths(-12);
        if (activatedOn is { } activated && new DateOnly(activated.Year, activated.Month, 1).AddMonths(1) > first)
            first = new DateOnly(activated.Year, activated.Month, 1).AddMonths(1);
        var months = new List<DateOnly>();
        for (var month = first; month < thisMonth; month = month.AddMonths(1))
            months.Add(month);
        if (months.Count == 0 && Arrears > 0)
            months.Add(thisMonth.AddMonths(-1));
        foreach (var month in months)
        {
            var latest = month == months[^1];
            var unpaid = latest && Arrears > 0;
            Bills.Add(new SimulatedBill(BillId(month, SimulatedBill.Monthly), month.ToString("yyyy-MM", System.Globalization.CultureInfo.InvariantCulture),
                month.AddMonths(1), unpaid ? Arrears : Amounts.Normalize(monthlyCharge), Currency, unpaid ? SimulatedBill.Unpaid : SimulatedBill.Paid, SimulatedBill.Monthly));
        }
    }

    public string BillId(DateOnly month, string kind) =>
        string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{(kind == SimulatedBill.Final ? "FB" : "MB")}-{Msisdn.TrimStart('+')}-{month:yyyyMM}");

    public AccountView ToView() =>
        new(Msisdn, Currency, Status, Balance, Arrears, UnbilledUsage, Deposit, RefundDue, Refunded, ClosedAt, FinalBillRequestId, [.. Ledger], [.. Bills.OrderByDescending(b => b.IssuedOn)]);
}

/// <summary>A bill as the billing API lists it (<c>GET billing/v1/accounts/{msisdn}/bills</c>).</summary>
public sealed record SimulatedBill(string BillId, string Period, DateOnly IssuedOn, decimal Amount, string Currency, string Status, string Kind)
{
    public const string Monthly = "monthly";
    public const string Final = "final";
    public const string Paid = "paid";
    public const string Unpaid = "unpaid";
}

/// <summary>What <c>GET /simulator/billing/accounts/{msisdn}</c> shows: a copy, safe to hand out of the lock.</summary>
public sealed record AccountView(
    string Msisdn,
    string Currency,
    AccountStatus Status,
    decimal Balance,
    decimal Arrears,
    decimal UnbilledUsage,
    decimal Deposit,
    decimal RefundDue,
    decimal Refunded,
    DateTimeOffset? ClosedAt,
    string? FinalBillRequestId,
    IReadOnlyList<LedgerEntry> Ledger,
    IReadOnlyList<SimulatedBill> Bills);
