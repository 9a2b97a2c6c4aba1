using LastCall.Features.Execution;
using LastCall.Hosting;
using LastCall.Integrations.Messaging;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace LastCall.Pages.Staff.Admin;

/// <summary>
/// The effective configuration, read-only: the business policies and the operational settings that are
/// not secrets. Connection strings, keys and passwords are never shown.
/// </summary>
public sealed class PoliciesModel(PolicySettings policies, LastCallSettings settings, ExecutionSettings execution, IMessageSender sender) : PageModel
{
    public PolicySettings Policies => policies;

    public LastCallSettings Settings => settings;

    public ExecutionSettings Execution => execution;

    public string MessagingProvider => sender.Name;

    public void OnGet()
    {
    }
}
