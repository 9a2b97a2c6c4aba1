namespace LastCall.Security;

/// <summary>Claim names in access tokens and partner principals.</summary>
public static class Claims
{
    public const string Subject = "sub";
    public const string Kind = "kind";
    public const string Name = "name";
    public const string Role = "role";
    public const string Store = "store";
    public const string Stamp = "stamp";

    /// <summary>A partner key's scope (<c>LastCall.Domain.Identity.PartnerScopes</c>), one claim per scope; ordinary partners have none.</summary>
    public const string Scope = "scope";

    public const string CustomerKind = "customer";
    public const string StaffKind = "staff";
    public const string PartnerKind = "partner";
}
