namespace LastCall.Domain.Customers;

/// <summary>
/// How an ID number is kept at rest: the authenticated ciphertext, a keyed blind index that lets us
/// find the same person again without decrypting anything, and the masked form for display.
/// Producing one needs keys, so the host's protector creates it; the domain only carries it.
/// </summary>
public sealed record ProtectedIdNumber(string Ciphertext, string BlindIndex, string Masked);
