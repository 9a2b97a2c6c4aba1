using LastCall.Integrations.Backends;

namespace LastCall.Integrations.Billing;

/// <summary>Settings of the billing client (section <c>BillingSystem</c> by convention); see <see cref="BackendClientOptions"/>.</summary>
public sealed class BillingSystemOptions : BackendClientOptions
{
    public const string SectionName = "BillingSystem";
}
