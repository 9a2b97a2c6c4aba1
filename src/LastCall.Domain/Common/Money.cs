namespace LastCall.Domain.Common;

/// <summary>An amount of money in one ISO 4217 currency.</summary>
public readonly record struct Money(decimal Amount, string Currency)
{
    public override string ToString() => string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{Amount:0.00} {Currency}");
}
