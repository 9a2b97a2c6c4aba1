using Microsoft.Extensions.DependencyInjection;

namespace LastCall.TestSupport;

/// <summary>Wrapping a host's own registration of a service, for a test that needs it to misbehave once.</summary>
public static class ServiceDecoration
{
    /// <summary>
    /// Replaces the last registration of <typeparamref name="TService"/> with <paramref name="wrap"/> around the instance
    /// that registration would have made, with the same lifetime.
    /// </summary>
    public static void Decorate<TService>(this IServiceCollection services, Func<TService, IServiceProvider, TService> wrap)
        where TService : class
    {
        var original = services.Last(d => d.ServiceType == typeof(TService));
        services.Remove(original);
        services.Add(ServiceDescriptor.Describe(typeof(TService), sp =>
            wrap((TService)(original.ImplementationFactory?.Invoke(sp) ?? original.ImplementationInstance ?? ActivatorUtilities.CreateInstance(sp, original.ImplementationType!)), sp),
            original.Lifetime));
    }
}
