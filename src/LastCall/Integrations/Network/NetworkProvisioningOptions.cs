using LastCall.Integrations.Backends;

namespace LastCall.Integrations.Network;

/// <summary>Settings of the network provisioning client (section <c>NetworkProvisioning</c> by convention); see <see cref="BackendClientOptions"/>.</summary>
public sealed class NetworkProvisioningOptions : BackendClientOptions
{
    public const string SectionName = "NetworkProvisioning";
}
