using System.Globalization;
using System.Text;

namespace LastCall.Domain.Audit;

public enum ActorType
{
    Customer,
    Staff,
    Partner,
    System,
}

/// <summary>Who did something, and from where.</summary>
public sealed record Actor(ActorType Type, string? Id, string? Name, string Channel, string? StoreId, string? ClientAddress)
{
    public static Actor System(string channel = "system") => new(ActorType.System, null, null, channel, null, null);
}

/// <summary>
/// One append-only entry of the audit trail. Entries form a hash chain:
/// <c>Hash_n = HMAC(k, Hash_{n-1} ‖ entry_n)</c>, so editing, deleting or reordering any entry breaks
/// every hash after it. The key lives in the host; the domain only defines what is hashed.
/// An entry is written unsealed with the change it describes and sealed into the chain moments later by the
/// one writer that appends to it (<see cref="Seal"/>): the writes it describes never wait for the chain.
/// </summary>
public sealed class AuditEvent
{
    public const string GenesisHash = "0000000000000000000000000000000000000000000000000000000000000000";

    private AuditEvent()
    {
        Action = null!;
        Channel = null!;
        PreviousHash = null!;
        Hash = null!;
    }

    /// <summary>Order of writing, given by the database; says nothing about the chain.</summary>
    public long Id { get; private set; }

    /// <summary>Position in the chain, 1, 2, 3 … without gaps; null until the entry is sealed.</summary>
    public long? Sequence { get; private set; }

    public bool IsSealed => Sequence is not null;

    public DateTimeOffset At { get; private set; }

    public ActorType ActorType { get; private set; }

    public string? ActorId { get; private set; }

    public string? ActorName { get; private set; }

    /// <summary>What happened, as a stable dotted name: <c>customer.sign_in_failed</c>, <c>line.viewed</c>.</summary>
    public string Action { get; private set; }

    public string Channel { get; private set; }

    public string? StoreId { get; private set; }

    public string? ClientAddress { get; private set; }

    /// <summary>What it happened to: a masked number, a staff username, a partner id, a request id.</summary>
    public string? Subject { get; private set; }

    /// <summary>State before, as JSON (null when nothing existed or nothing changed).</summary>
    public string? Before { get; private set; }

    public string? After { get; private set; }

    public string PreviousHash { get; private set; }

    public string Hash { get; private set; }

    public static AuditEvent Create(Actor actor, string action, string? subject, string? before, string? after, DateTimeOffset now) => new()
    {
        // Microsecond precision: PostgreSQL stores no finer, and the hash must survive the round trip.
        At = new DateTimeOffset(now.UtcTicks - now.UtcTicks % 10, TimeSpan.Zero),
        ActorType = actor.Type,
        ActorId = actor.Id,
        ActorName = actor.Name,
        Action = action,
        Channel = actor.Channel,
        StoreId = actor.StoreId,
        ClientAddress = actor.ClientAddress,
        Subject = subject,
        Before = before,
        After = after,
        PreviousHash = "",
        Hash = "",
    };

    /// <summary>Places the entry after <paramref name="previousHash"/> and computes its own hash with <paramref name="mac"/>.</summary>
    public void Seal(long sequence, string previousHash, Func<string, string> mac)
    {
        if (IsSealed)
            throw new InvalidOperationException("An audit event is sealed once.");
        Sequence = sequence;
        PreviousHash = previousHash;
        Hash = mac(ChainInput());
    }

    /// <summary>The exact text the chain's HMAC covers: the previous hash, then every field.</summary>
    public string ChainInput()
    {
        var sequence = Sequence ?? throw new InvalidOperationException("An unsealed audit event has no place in the chain yet.");
        var text = new StringBuilder(256);
        foreach (var field in new[]
        {
            PreviousHash, sequence.ToString(CultureInfo.InvariantCulture), At.UtcTicks.ToString(CultureInfo.InvariantCulture),
            ActorType.ToString(), ActorId, ActorName, Action, Channel, StoreId, ClientAddress, Subject, Before, After,
        })
        {
            // Length-prefixed fields: no value can forge a field boundary.
            var value = field ?? "\0";
            text.Append(value.Length.ToString(CultureInfo.InvariantCulture)).Append(':').Append(value).Append('|');
        }
        return text.ToString();
    }
}
