using LastCall.Domain.Common;

namespace LastCall.Domain.Billing;

/// <summary>
/// The money side of a line: prepaid balance, postpaid arrears, unbilled usage and deposit, all in the
/// account's currency. Cancellation needs zero arrears and refunds what is left of the balance.
/// </summary>
public sealed class BillingAccount : AggregateRoot
{
    private BillingAccount() => Currency = null!;

    public Guid Id { get; private set; }

    public Guid LineId { get; private set; }

    /// <summary>ISO 4217 code, for example CNY.</summary>
    public string Currency { get; private set; }

    public decimal Balance { get; private set; }

    public decimal Arrears { get; private set; }

    public decimal UnbilledUsage { get; private set; }

    public decimal Deposit { get; private set; }

    public Money BalanceMoney => new(Balance, Currency);

    public Money ArrearsMoney => new(Arrears, Currency);

    public static Result<BillingAccount> Open(Guid lineId, string currency, decimal balance, decimal arrears)
    {
        if (!IsCurrencyCode(currency))
            return Result<BillingAccount>.Failure("invalid_currency", "The currency must be a three-letter ISO 4217 code.");
        var account = new BillingAccount { Id = Guid.CreateVersion7(), LineId = lineId, Currency = currency };
        var result = account.SetBalances(balance, arrears);
        return result.IsSuccess ? account : result.Error!;
    }

    /// <summary>Takes the balances the billing system of record reports.</summary>
    public Result SetBalances(decimal balance, decimal arrears)
    {
        if (balance < 0)
            return Result.Failure("negative_amount", "The balance cannot be negative; debts are arrears.");
        if (arrears < 0)
            return Result.Failure("negative_amount", "Arrears cannot be negative.");
        if (decimal.Round(balance, 2) != balance || decimal.Round(arrears, 2) != arrears)
            return Result.Failure("invalid_amount", "Amounts have at most two decimal places.");
        Balance = balance;
        Arrears = arrears;
        return Result.Success;
    }

    private static bool IsCurrencyCode(string? code) =>
        code is { Length: 3 } && code.All(char.IsAsciiLetterUpper);
}
