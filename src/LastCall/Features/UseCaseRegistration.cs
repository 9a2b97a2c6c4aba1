using System.Reflection;

namespace LastCall.Features;

/// <summary>
/// Registers every use case under <c>Features/</c> (decision 0006): a public class with a public instance
/// <c>HandleAsync</c> (or <c>Handle</c>, when nothing is awaited) is scoped, so a new use case is its file and its endpoint line, with no registration to forget.
/// </summary>
public static class UseCaseRegistration
{
    public static IServiceCollection AddUseCases(this IServiceCollection services)
    {
        foreach (var handler in UseCases())
            services.AddScoped(handler);
        return services;
    }

    /// <summary>The handler types, found once at start-up.</summary>
    public static IEnumerable<Type> UseCases() =>
        typeof(UseCaseRegistration).Assembly.GetTypes().Where(t =>
            t is { IsClass: true, IsAbstract: false, IsPublic: true, Namespace: not null }
            && t.Namespace.StartsWith("LastCall.Features.", StringComparison.Ordinal)
            && t.GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.DeclaredOnly).Any(m => m.Name is "HandleAsync" or "Handle"));
}
