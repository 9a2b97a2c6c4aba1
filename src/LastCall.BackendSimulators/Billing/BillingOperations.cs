using System.Globalization;
using System.Security.Cryptography;
using LastCall.BackendSimulators.State;
using LastCall.BackendSimulators.Wire;

namespace LastCall.BackendSimulators.Billing;

/// <summary>
/// The two billing operations the execution of a cancellation calls, as rules over the accounts. Each returns the
/// full answer; the state makes them atomic and idempotent per requestId.
/// </summary>
public static class BillingOperations
{
    /// <summary>
    /// Closes the account with its final bill: the unbilled usage, taken from the balance and then the deposit.
    /// Refused while arrears are outstanding (cancellation needs none), and on an account that is already closed.
    /// </summary>
    public static OperationAnswer FinalBill(StateBook book, OperationCall call, FinalBillRequest request)
    {
        var account = book.Account(call.Msisdn);
        if (account is null)
            return AccountNotFound(call.Msisdn);
        if (account.Status == AccountStatus.Closed)
            return OperationAnswer.Error(StatusCodes.Status409Conflict, ErrorCodes.AccountClosed,
                $"The account of {call.Msisdn} was closed at {account.ClosedAt:O} by final bill {account.FinalBillRequestId}; it cannot be billed again.");
        if (account.Arrears > 0)
            return OperationAnswer.Error(StatusCodes.Status409Conflict, ErrorCodes.ArrearsOutstanding,
                $"The account of {call.Msisdn} has arrears of {Money(account.Arrears, account.Currency)}; they must be paid before it can be closed.");

        // What is billed: the usage not billed yet, plus an early-exit fee for a contract ended before its term.
        var bill = Amounts.Normalize(account.UnbilledUsage + (request.EarlyExitFee ?? 0));
        var fromBalance = Math.Min(bill, account.Balance);
        var fromDeposit = Math.Min(bill - fromBalance, account.Deposit);
        var amountDue = Amounts.Normalize(bill - fromBalance - fromDeposit);
        var refund = Amounts.Normalize(account.Balance - fromBalance + (account.Deposit - fromDeposit));
        var detail = string.Create(CultureInfo.InvariantCulture,
            $"usage {account.UnbilledUsage:0.00} and early-exit fee {request.EarlyExitFee ?? 0:0.00} against balance {account.Balance:0.00} and deposit {account.Deposit:0.00}: refund due {refund:0.00}, still owed {amountDue:0.00}");

        account.Ledger.Add(new LedgerEntry(call.At, LedgerEntryKind.FinalBill, call.RequestId, bill, account.Currency, null, detail));
        var today = DateOnly.FromDateTime(call.At.UtcDateTime);
        var month = new DateOnly(today.Year, today.Month, 1);
        account.Bills.Add(new SimulatedBill(account.BillId(month, SimulatedBill.Final), month.ToString("yyyy-MM", CultureInfo.InvariantCulture), today,
            bill, account.Currency, amountDue > 0 ? SimulatedBill.Unpaid : SimulatedBill.Paid, SimulatedBill.Final));
        account.Status = AccountStatus.Closed;
        account.ClosedAt = call.At;
        account.FinalBillRequestId = call.RequestId;
        account.Balance = Amounts.Normalize(0);
        account.Deposit = Amounts.Normalize(0);
        account.UnbilledUsage = Amounts.Normalize(0);
        account.Arrears = amountDue;
        account.RefundDue = refund;
        return new OperationAnswer(StatusCodes.Status200OK,
            new FinalBillResponse(call.Msisdn, call.RequestId, bill, refund, amountDue, account.Currency, call.At), null);
    }

    /// <summary>Pays back (part of) what the final bill left over. Only a closed account has anything to refund.</summary>
    public static OperationAnswer Refund(StateBook book, OperationCall call, RefundRequest request)
    {
        var amount = Amounts.Normalize(request.Amount!.Value);
        var account = book.Account(call.Msisdn);
        if (account is null)
            return AccountNotFound(call.Msisdn);
        if (request.Currency is { } currency && currency != account.Currency)
            return OperationAnswer.Error(StatusCodes.Status422UnprocessableEntity, ErrorCodes.CurrencyMismatch,
                $"The account of {call.Msisdn} is kept in {account.Currency}, not {currency}.");
        if (account.Status == AccountStatus.Open)
            return OperationAnswer.Error(StatusCodes.Status409Conflict, ErrorCodes.AccountOpen,
                $"The account of {call.Msisdn} is open: refunds are paid from the final bill, so close it first.");
        if (amount > account.RefundDue)
            return OperationAnswer.Error(StatusCodes.Status409Conflict, ErrorCodes.RefundExceedsDue,
                $"A refund of {Money(amount, account.Currency)} exceeds what is due to the customer: {Money(account.RefundDue, account.Currency)}.");

        var refundId = "RF-" + Convert.ToHexString(RandomNumberGenerator.GetBytes(6));
        account.RefundDue -= amount;
        account.Refunded += amount;
        account.Ledger.Add(new LedgerEntry(call.At, LedgerEntryKind.Refund, call.RequestId, amount, account.Currency, refundId,
            string.Create(CultureInfo.InvariantCulture, $"refund {amount:0.00}; still due {account.RefundDue:0.00}")));
        return new OperationAnswer(StatusCodes.Status201Created,
            new RefundResponse(refundId, call.RequestId, call.Msisdn, amount, account.Currency, account.RefundDue, call.At), null);
    }

    private static OperationAnswer AccountNotFound(string msisdn) =>
        OperationAnswer.Error(StatusCodes.Status404NotFound, ErrorCodes.AccountNotFound, $"The billing system has no account for {msisdn}.");

    private static string Money(decimal amount, string currency) => string.Create(CultureInfo.InvariantCulture, $"{amount:0.00} {currency}");
}
