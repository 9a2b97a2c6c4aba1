using System.Text.Json;
using LastCall.BackendSimulators.Billing;
using LastCall.BackendSimulators.Network;
using LastCall.BackendSimulators.Wire;

namespace LastCall.BackendSimulators.State;

/// <summary>The context one operation executes in: which system and operation, which request, which number, when.</summary>
public sealed record OperationCall(SimulatedSystem System, string Operation, string RequestId, string Msisdn, DateTimeOffset At);

/// <summary>What an operation answered: the HTTP status, the body, and the error or warning code if any.</summary>
public sealed record OperationAnswer(int HttpStatus, object Body, string? Code)
{
    public bool IsSuccess => HttpStatus is >= 200 and < 300;

    public static OperationAnswer Error(int status, string code, string message) => new(status, new ApiError(status, code, message), code);
}

/// <summary>
/// The first successful answer given to one requestId, replayed verbatim when the request is repeated.
/// <paramref name="Fingerprint"/> is what the request asked for (MSISDN, amount …): a different request under the
/// same requestId is refused.
/// </summary>
public sealed record StoredAnswer(int HttpStatus, string Json, string? Code, string Fingerprint);

/// <summary>Result of one execution: the answer, and whether it was a replay of an earlier request.</summary>
public sealed record Execution(StoredAnswer Answer, bool Replayed);

/// <summary>The accounts and subscriptions as the operations see them while the state's lock is held.</summary>
public sealed class StateBook(Dictionary<string, SimulatedAccount> accounts, Dictionary<string, SimulatedSubscription> subscriptions, BackendSimulatorSettings settings)
{
    public BackendSimulatorSettings Settings { get; } = settings;

    public SimulatedAccount? Account(string msisdn) => accounts.GetValueOrDefault(msisdn);

    public SimulatedSubscription? Subscription(string msisdn) => subscriptions.GetValueOrDefault(msisdn);
}

/// <summary>
/// All billing and network state, behind one lock (a simulator needs correctness, not throughput). Operations run
/// through <see cref="Execute"/>, which makes each one atomic and idempotent: the same (system, operation, requestId)
/// gets the first successful answer again and changes nothing. Refusals (404, 409 …) are not stored: they changed
/// nothing, so the same requestId may be sent again once the cause is fixed (arrears paid, subscription created).
/// </summary>
public sealed class SimulatorState
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, SimulatedAccount> _accounts = new(StringComparer.Ordinal);
    private readonly Dictionary<string, SimulatedSubscription> _subscriptions = new(StringComparer.Ordinal);
    private readonly Dictionary<string, StoredAnswer> _answers = new(StringComparer.Ordinal);
    private readonly BackendSimulatorSettings _settings;
    private readonly TimeProvider _clock;
    private readonly StateFile? _file;

    public SimulatorState(BackendSimulatorSettings settings, TimeProvider clock)
    {
        _settings = settings;
        _clock = clock;
        if (settings.StateFile is not null)
        {
            _file = new StateFile(settings.StateFile);
            if (_file.Load() is { } snapshot)
            {
                foreach (var account in snapshot.Accounts)
                    _accounts[account.Msisdn] = account;
                foreach (var subscription in snapshot.Subscriptions)
                    _subscriptions[subscription.Msisdn] = subscription;
                foreach (var (key, answer) in snapshot.Answers)
                    _answers[key] = answer;
            }
        }
    }

    public Execution Execute(OperationCall call, string fingerprint, Func<StateBook, OperationAnswer> apply)
    {
        var key = string.Join('\u001f', call.System, call.Operation, call.RequestId);
        lock (_gate)
        {
            if (_answers.TryGetValue(key, out var first))
            {
                if (first.Fingerprint == fingerprint)
                    return new Execution(first, Replayed: true);
                var reused = OperationAnswer.Error(StatusCodes.Status422UnprocessableEntity, ErrorCodes.RequestIdReused,
                    $"requestId {call.RequestId} was already used for another {call.Operation} request (other number or amount); use a new requestId.");
                return new Execution(Store(reused, fingerprint), Replayed: false);
            }

            var answer = apply(new StateBook(_accounts, _subscriptions, _settings));
            var stored = Store(answer, fingerprint);
            if (answer.IsSuccess)
                _answers[key] = stored;
            Persist();
            return new Execution(stored, Replayed: false);
        }
    }

    // ----- Billing accounts (operator-side seeding and reads).

    /// <summary>Creates or overwrites an account and opens it again; its ledger is kept.</summary>
    public AccountView SeedAccount(string msisdn, string currency, decimal balance, decimal arrears, decimal unbilledUsage, decimal deposit, DateOnly? activatedOn = null, decimal? monthlyCharge = null)
    {
        lock (_gate)
        {
            if (!_accounts.TryGetValue(msisdn, out var account))
            {
                account = new SimulatedAccount { Msisdn = msisdn };
                _accounts[msisdn] = account;
            }

            account.Open(currency, balance, arrears, unbilledUsage, deposit);
            if (activatedOn is not null || monthlyCharge is not null)
                account.WriteBillHistory(DateOnly.FromDateTime(_clock.GetUtcNow().UtcDateTime), activatedOn, monthlyCharge ?? _settings.DefaultMonthlyCharge);
            Persist();
            return account.ToView();
        }
    }

    public AccountView? GetAccount(string msisdn)
    {
        lock (_gate)
            return _accounts.TryGetValue(msisdn, out var account) ? account.ToView() : null;
    }

    public IReadOnlyList<AccountView> ListAccounts()
    {
        lock (_gate)
            return [.. _accounts.Values.OrderBy(a => a.Msisdn, StringComparer.Ordinal).Select(a => a.ToView())];
    }

    // ----- Network subscriptions (operator-side seeding and reads).

    /// <summary>Creates or overwrites a subscription; its history is kept and records the seeding.</summary>
    public SubscriptionView SeedSubscription(string msisdn, string imsi, SubscriptionState state)
    {
        lock (_gate)
        {
            if (!_subscriptions.TryGetValue(msisdn, out var subscription))
            {
                subscription = new SimulatedSubscription { Msisdn = msisdn, Imsi = imsi, State = state };
                _subscriptions[msisdn] = subscription;
            }

            subscription.Seed(imsi, state, _clock.GetUtcNow());
            Persist();
            return subscription.ToView();
        }
    }

    public SubscriptionView? GetSubscription(string msisdn)
    {
        lock (_gate)
            return _subscriptions.TryGetValue(msisdn, out var subscription) ? subscription.ToView() : null;
    }

    public IReadOnlyList<SubscriptionView> ListSubscriptions()
    {
        lock (_gate)
            return [.. _subscriptions.Values.OrderBy(s => s.Msisdn, StringComparer.Ordinal).Select(s => s.ToView())];
    }

    /// <summary>Forgets every account, subscription and stored answer (a clean demo).</summary>
    public void Reset()
    {
        lock (_gate)
        {
            _accounts.Clear();
            _subscriptions.Clear();
            _answers.Clear();
            Persist();
        }
    }

    /// <summary>Serialized as the body's runtime type so that every output field is included.</summary>
    private static StoredAnswer Store(OperationAnswer answer, string fingerprint) =>
        new(answer.HttpStatus, JsonSerializer.Serialize(answer.Body, answer.Body.GetType(), WireProtocol.Json), answer.Code, fingerprint);

    private void Persist() =>
        _file?.Save(new StateSnapshot([.. _accounts.Values], [.. _subscriptions.Values], new Dictionary<string, StoredAnswer>(_answers, StringComparer.Ordinal)));
}
