using Microsoft.Extensions.Options;

namespace LastCall.Hosting;

/// <summary>
/// The one way settings are read (decision 0014): a class bound from its configuration section, checked by its data
/// annotations and its own <see cref="IValidatableObject"/> rules when the host starts (a wrong value stops the start
/// with the key's name, not the first request that needs it), then injected as itself.
/// </summary>
public static class SettingsRegistration
{
    public static OptionsBuilder<T> AddSettings<T>(this IServiceCollection services, string section)
        where T : class
    {
        services.AddSingleton(sp => sp.GetRequiredService<IOptions<T>>().Value);
        return services.AddOptions<T>().BindConfiguration(section).ValidateDataAnnotations().ValidateOnStart();
    }

    /// <summary>
    /// Settings of one named part (each periodic job's <c>Jobs:{name}</c>), with that part's own defaults set before the
    /// section is bound; read with <c>IOptionsMonitor&lt;T&gt;.Get(name)</c>.
    /// </summary>
    public static OptionsBuilder<T> AddNamedSettings<T>(this IServiceCollection services, string name, string section, Action<T> defaults)
        where T : class =>
        services.AddOptions<T>(name).Configure(defaults).BindConfiguration(section).ValidateDataAnnotations().ValidateOnStart();
}
