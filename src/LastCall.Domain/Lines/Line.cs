using LastCall.Domain.Common;

namespace LastCall.Domain.Lines;

/// <summary>
/// One mobile number owned by a customer, with its plan, contract, bundle membership, porting state,
/// eSIM profiles and status machine. Every status change is a method that checks the current status.
/// </summary>
public sealed class Line : AggregateRoot
{
    public const int MaxPlanLength = 60;

    private readonly List<EsimProfile> _profiles = [];

    private Line()
    {
        Msisdn = null!;
        Plan = null!;
        ServicePasswordHash = null!;
    }

    public Guid Id { get; private set; }

    public Msisdn Msisdn { get; private set; }

    public Guid CustomerId { get; private set; }

    public string Plan { get; private set; }

    public DateOnly ActivatedOn { get; private set; }

    public DateOnly? ContractEndsOn { get; private set; }

    public BundleRole BundleRole { get; private set; }

    /// <summary>For a bundle member: the number of the bundle's primary line.</summary>
    public Msisdn? BundlePrimary { get; private set; }

    public PortState PortState { get; private set; }

    /// <summary>Set when the line is suspected to be fraudulent (or flagged "not mine" by its owner).</summary>
    public bool FraudHold { get; private set; }

    public LineStatus Status { get; private set; }

    /// <summary>The status to return to if a pending cancellation is withdrawn.</summary>
    public LineStatus? StatusBeforeCancellation { get; private set; }

    public DateTimeOffset StatusChangedAt { get; private set; }

    /// <summary>
    /// The service password (服务密码) of this line, as a slow salted hash. It belongs to the line, not
    /// the person: an ownership transfer replaces it without touching the new owner's other lines.
    /// </summary>
    public string ServicePasswordHash { get; private set; }

    public DateTimeOffset ServicePasswordChangedAt { get; private set; }

    /// <summary>When the service password was last reset (set without the old one), a cancellation risk signal.</summary>
    public DateTimeOffset? ServicePasswordResetAt { get; private set; }

    /// <summary>When the current owner got the line: activation, or the last ownership transfer.</summary>
    public DateTimeOffset OwnerSince { get; private set; }

    /// <summary>When the eSIM was last swapped to another device, as the system of record reports it.</summary>
    public DateTimeOffset? SimChangedAt { get; private set; }

    /// <summary>SHA-256 of the code the signed-in owner issued to consent to a transfer at a store; single use.</summary>
    public string? TransferConsentHash { get; private set; }

    public DateTimeOffset? TransferConsentExpiresAt { get; private set; }

    /// <summary>SHA-256 of the port-out authorization code texted to the owner; single use, voided after too many wrong tries.</summary>
    public string? PortAuthorizationHash { get; private set; }

    public DateTimeOffset? PortAuthorizationExpiresAt { get; private set; }

    /// <summary>Wrong codes given against the current authorization code.</summary>
    public int PortAuthorizationFailures { get; private set; }

    /// <summary>When a fraud hold was last lifted; a recent one still sends cancellations to review.</summary>
    public DateTimeOffset? FraudHoldReleasedAt { get; private set; }

    /// <summary>The import run that last wrote this line (provenance, and duplicate detection within a run).</summary>
    public Guid? ImportRunId { get; private set; }

    public IReadOnlyList<EsimProfile> Profiles => _profiles;

    public static Result<Line> Create(LineDetails details, Guid customerId, string servicePasswordHash, DateTimeOffset now)
    {
        if (Validate(details) is { } error)
            return error;
        var line = new Line
        {
            Id = Guid.CreateVersion7(now),
            Msisdn = details.Msisdn,
            CustomerId = customerId,
            ServicePasswordHash = servicePasswordHash,
            ServicePasswordChangedAt = now,
            Status = LineStatus.Active,
            StatusChangedAt = now,
            OwnerSince = ActivationInstant(details.ActivatedOn),
        };
        line.Apply(details);
        return line;
    }

    /// <summary>
    /// Brings the line in line with the operator's system of record (an import): plan, dates, bundle,
    /// porting, fraud hold and owner. Status changes still go through the transition methods.
    /// </summary>
    public Result UpdateDetails(LineDetails details, Guid customerId, DateTimeOffset now)
    {
        if (details.Msisdn != Msisdn)
            return Result.Failure("msisdn_mismatch", "The details are for another number.");
        if (Validate(details) is { } error)
            return error;
        var ownerSinceActivation = OwnerSince == ActivationInstant(ActivatedOn);
        var wasOnFraudHold = FraudHold;
        Apply(details);
        if (wasOnFraudHold && !FraudHold)
            FraudHoldReleasedAt = now; // the system of record lifted the hold: still a recent_fraud_hold risk
        if (customerId != CustomerId)
            OwnerSince = now;
        else if (ownerSinceActivation)
            OwnerSince = ActivationInstant(ActivatedOn); // a corrected activation date moves the original owner's start with it
        CustomerId = customerId;
        return Result.Success;
    }

    /// <summary>The owner chose a new password, proving they knew the old one: not a reset, so no risk flag.</summary>
    public void ChangeServicePassword(string newHash, DateTimeOffset now)
    {
        ServicePasswordHash = newHash;
        ServicePasswordChangedAt = now;
    }

    /// <summary>The service password's format: 6 to 12 digits.</summary>
    public static bool IsServicePasswordFormat(string? password) => password is { Length: >= 6 and <= 12 } && password.All(char.IsAsciiDigit);

    /// <summary>
    /// A service password a person chooses now (the owner changing it, a new owner taking the line over): the format,
    /// and not one anybody could guess. Imported passwords keep the format rule only: they were chosen elsewhere.
    /// </summary>
    public static Result CheckChosenServicePassword(string? password, string field)
    {
        if (!IsServicePasswordFormat(password))
            return Fail.Validation(field, "invalid_service_password", "The service password is 6 to 12 digits.");
        if (IsWeakServicePassword(password!))
            return Fail.Validation(field, "weak_service_password", "Choose digits that are not all the same and not a straight run such as 123456.");
        return Result.Success;
    }

    /// <summary>A service password a person can guess: all one digit, or a straight run up or down (123456, 987654).</summary>
    public static bool IsWeakServicePassword(string digits)
    {
        if (digits.Length == 0 || digits.All(c => c == digits[0]))
            return true;
        var up = true;
        var down = true;
        for (var i = 1; i < digits.Length; i++)
        {
            up &= digits[i] - digits[i - 1] == 1;
            down &= digits[i - 1] - digits[i] == 1;
        }
        return up || down;
    }

    /// <summary>The password was set without the old one (by the operator's systems or at a counter).</summary>
    public void ResetServicePassword(string newHash, DateTimeOffset now)
    {
        ServicePasswordHash = newHash;
        ServicePasswordChangedAt = now;
        ServicePasswordResetAt = now;
    }

    /// <summary>
    /// Moves the line to another real-name customer (过户). The new owner's password replaces the old
    /// one; the caller rotates both owners' security stamps so earlier tokens die.
    /// </summary>
    public Result TransferTo(Guid newCustomerId, string newPasswordHash, DateTimeOffset now)
    {
        if (Status is not (LineStatus.Active or LineStatus.Suspended))
            return Fail.Conflict("invalid_line_status", $"A line that is {Status} cannot change owner.");
        if (newCustomerId == CustomerId)
            return Fail.Unprocessable("same_owner", "The new owner is the current owner.");
        CustomerId = newCustomerId;
        OwnerSince = now;
        TransferConsentHash = null;
        TransferConsentExpiresAt = null;
        ServicePasswordHash = newPasswordHash;
        ServicePasswordChangedAt = now;
        return Result.Success;
    }

    /// <summary>The owner, signed in, consents to a transfer the new owner completes at a store before <paramref name="expiresAt"/>.</summary>
    public void GrantTransferConsent(string codeHash, DateTimeOffset expiresAt)
    {
        TransferConsentHash = codeHash;
        TransferConsentExpiresAt = expiresAt;
    }

    public bool HasTransferConsent(string codeHash, DateTimeOffset now) =>
        TransferConsentHash is not null && TransferConsentExpiresAt > now
        && System.Security.Cryptography.CryptographicOperations.FixedTimeEquals(
            System.Text.Encoding.ASCII.GetBytes(TransferConsentHash), System.Text.Encoding.ASCII.GetBytes(codeHash));

    /// <summary>How many wrong port-out authorization codes void the current one (the owner asks for a new code).</summary>
    public const int MaxPortAuthorizationFailures = 5;

    /// <summary>Whether the line has ended for good (cancelled or ported out): its number may belong to a new line.</summary>
    public bool HasEnded => Status is LineStatus.Cancelled or LineStatus.PortedOut;

    /// <summary><see cref="HasEnded"/> as a query filter: the live lines (at most one per number, a unique index says so).</summary>
    public static readonly System.Linq.Expressions.Expression<Func<Line, bool>> Live = l => l.Status != LineStatus.Cancelled && l.Status != LineStatus.PortedOut;

    /// <summary>The owner asked for a port-out authorization code; a new code replaces the previous one.</summary>
    public void GrantPortAuthorization(string codeHash, DateTimeOffset expiresAt)
    {
        PortAuthorizationHash = codeHash;
        PortAuthorizationExpiresAt = expiresAt;
        PortAuthorizationFailures = 0;
    }

    /// <summary>
    /// Checks a port-out authorization code (without using it up). A wrong code counts against the current one, which is
    /// void after <see cref="MaxPortAuthorizationFailures"/> wrong tries, so the code cannot be guessed through the checks.
    /// </summary>
    public bool CheckPortAuthorization(string codeHash, DateTimeOffset now)
    {
        if (PortAuthorizationHash is null || PortAuthorizationExpiresAt <= now)
            return false;
        if (System.Security.Cryptography.CryptographicOperations.FixedTimeEquals(
                System.Text.Encoding.ASCII.GetBytes(PortAuthorizationHash), System.Text.Encoding.ASCII.GetBytes(codeHash)))
            return true;
        if (++PortAuthorizationFailures >= MaxPortAuthorizationFailures)
            VoidPortAuthorization();
        return false;
    }

    /// <summary>The code was used by a port-out (single use), or too many wrong tries were made.</summary>
    public void VoidPortAuthorization()
    {
        PortAuthorizationHash = null;
        PortAuthorizationExpiresAt = null;
    }

    public void MarkImported(Guid importRunId) => ImportRunId = importRunId;

    /// <summary>
    /// Replaces the profile list with the given one: profiles are matched by ICCID, new ones added,
    /// missing ones removed. A line has at most one primary profile.
    /// </summary>
    public Result SetProfiles(IReadOnlyList<ProfileSpec> specs)
    {
        specs = [.. specs.Select(s => s with { DeviceLabel = s.DeviceLabel.Trim() })];
        if (specs.Count(s => s.Role == ProfileRole.Primary) > 1)
            return Result.Failure("invalid_profile", "A line has at most one primary profile.");
        if (specs.Select(s => s.Iccid).Distinct().Count() != specs.Count)
            return Result.Failure("invalid_profile", "The same ICCID is listed twice.");
        foreach (var spec in specs)
        {
            if (spec.DeviceLabel.Length > EsimProfile.MaxDeviceLabelLength)
                return Result.Failure("invalid_profile", $"A device label has at most {EsimProfile.MaxDeviceLabelLength} characters.");
        }

        _profiles.RemoveAll(p => !specs.Any(s => s.Iccid == p.Iccid));
        foreach (var spec in specs)
        {
            var existing = _profiles.Find(p => p.Iccid == spec.Iccid);
            if (existing is null)
                _profiles.Add(EsimProfile.Create(Id, spec.Iccid, spec.Eid, spec.Role, spec.DeviceLabel, spec.State).Value);
            else
                existing.Update(spec.Eid, spec.Role, spec.DeviceLabel, spec.State);
        }
        return Result.Success;
    }

    public Result Suspend(DateTimeOffset now) => Move(LineStatus.Active, LineStatus.Suspended, now, "Only an active line can be suspended.");

    public Result Resume(DateTimeOffset now) => Move(LineStatus.Suspended, LineStatus.Active, now, "Only a suspended line can be resumed.");

    public Result Bar(DateTimeOffset now) => Move(LineStatus.Active, LineStatus.Barred, now, "Only an active line can be barred.");

    public Result Unbar(DateTimeOffset now) => Move(LineStatus.Barred, LineStatus.Active, now, "Only a barred line can be unbarred.");

    public Result BeginCancellation(DateTimeOffset now)
    {
        if (Status is not (LineStatus.Active or LineStatus.Suspended))
            return Fail.Conflict("invalid_line_status", $"A line that is {Status} cannot start a cancellation.");
        StatusBeforeCancellation = Status;
        SetStatus(LineStatus.PendingCancellation, now);
        return Result.Success;
    }

    public Result AbortCancellation(DateTimeOffset now)
    {
        if (Status != LineStatus.PendingCancellation)
            return Fail.Conflict("invalid_line_status", "No cancellation is pending on this line.");
        SetStatus(StatusBeforeCancellation ?? LineStatus.Active, now);
        StatusBeforeCancellation = null;
        return Result.Success;
    }

    public Result CompleteCancellation(DateTimeOffset now)
    {
        if (Status != LineStatus.PendingCancellation)
            return Fail.Conflict("invalid_line_status", "Only a line pending cancellation can be cancelled.");
        StatusBeforeCancellation = null;
        SetStatus(LineStatus.Cancelled, now);
        return Result.Success;
    }

    /// <summary>The port-out's hand-over: the number now belongs to the recipient operator.</summary>
    public Result CompletePortOut(DateTimeOffset now)
    {
        if (Status != LineStatus.PendingCancellation)
            return Fail.Conflict("invalid_line_status", "Only a line being terminated can be ported out.");
        StatusBeforeCancellation = null;
        SetStatus(LineStatus.PortedOut, now);
        return Result.Success;
    }

    public Result PlaceFraudHold()
    {
        if (FraudHold)
            return Fail.Conflict("already_on_hold", "The line is already on fraud hold.");
        FraudHold = true;
        return Result.Success;
    }

    public Result ReleaseFraudHold(DateTimeOffset now)
    {
        if (!FraudHold)
            return Fail.Conflict("not_on_hold", "The line is not on fraud hold.");
        FraudHold = false;
        FraudHoldReleasedAt = now;
        return Result.Success;
    }

    private Result Move(LineStatus from, LineStatus to, DateTimeOffset now, string message)
    {
        if (Status != from)
            return Fail.Conflict("invalid_line_status", $"{message} This line is {Status}.");
        SetStatus(to, now);
        return Result.Success;
    }

    private void SetStatus(LineStatus status, DateTimeOffset now)
    {
        Status = status;
        StatusChangedAt = now;
    }

    private void Apply(LineDetails d)
    {
        Plan = d.Plan.Trim();
        ActivatedOn = d.ActivatedOn;
        ContractEndsOn = d.ContractEndsOn;
        BundleRole = d.BundleRole;
        BundlePrimary = d.BundleRole == BundleRole.Member ? d.BundlePrimary : null;
        PortState = d.PortState;
        FraudHold = d.FraudHold;
        if (d.SimChangedOn is { } simChanged)
            SimChangedAt = new DateTimeOffset(simChanged.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
    }

    private static DateTimeOffset ActivationInstant(DateOnly activatedOn) => new(activatedOn.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);

    private static DomainError? Validate(LineDetails d)
    {
        if (string.IsNullOrWhiteSpace(d.Plan) || d.Plan.Trim().Length > MaxPlanLength)
            return Fail.Validation("invalid_plan", $"The plan name must have 1 to {MaxPlanLength} characters.");
        if (d.ContractEndsOn is { } end && end < d.ActivatedOn)
            return Fail.Validation("invalid_date", "The contract cannot end before the line was activated.");
        if (d.BundlePrimary is not null && d.BundleRole != BundleRole.Member)
            return Fail.Validation("invalid_bundle_role", "Only a bundle member names a bundle primary.");
        if (d.BundlePrimary == d.Msisdn)
            return Fail.Validation("invalid_bundle_role", "A line cannot be its own bundle primary.");
        return null;
    }
}

/// <summary>The operator-owned facts about a line, as the system of record states them.</summary>
public sealed record LineDetails(
    Msisdn Msisdn,
    string Plan,
    DateOnly ActivatedOn,
    DateOnly? ContractEndsOn,
    BundleRole BundleRole,
    Msisdn? BundlePrimary,
    PortState PortState,
    bool FraudHold,
    DateOnly? SimChangedOn = null);
