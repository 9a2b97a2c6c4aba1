using System.Text.RegularExpressions;
using Xunit.Sdk;
using Xunit.v3;

namespace LastCall.TestSupport;

/// <summary>
/// Marks a test class, or a collection definition, whose tests run one after another for half a minute or more (hosts
/// restarted, processes killed, outages waited out). <see cref="LongRunningFirst"/> starts such collections first.
/// </summary>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
public sealed class LongRunningAttribute : Attribute;

/// <summary>
/// Starts the <see cref="LongRunningAttribute">long-running</see> test collections before the others, each group in
/// xUnit's default order. xUnit starts collections in the orderer's order and a few run at once: a long collection
/// that happened to start late ran on alone at the end of the run while the cores idled (the longest shortest-last
/// schedule). Which collections are long is written beside the tests, not measured at run time.
/// </summary>
public sealed partial class LongRunningFirst : ITestCollectionOrderer
{
    public IReadOnlyCollection<TTestCollection> OrderTestCollections<TTestCollection>(IReadOnlyCollection<TTestCollection> testCollections)
        where TTestCollection : ITestCollection =>
        [.. DefaultTestCollectionOrderer.Instance.OrderTestCollections(testCollections).OrderBy(c => IsLongRunning(c) ? 0 : 1)];

    private static bool IsLongRunning(ITestCollection collection)
    {
        if (collection is not IXunitTestCollection xunitCollection)
            return false;
        // A named collection: its definition class. A class's own collection: the class named in its display name.
        var type = xunitCollection.CollectionDefinition
            ?? (ClassCollectionName().Match(collection.TestCollectionDisplayName) is { Success: true } match
                ? xunitCollection.TestAssembly.Assembly.GetType(match.Groups[1].Value)
                : null);
        return type?.IsDefined(typeof(LongRunningAttribute), inherit: false) == true;
    }

    [GeneratedRegex(@"^Test collection for (\S+) \(id: ")]
    private static partial Regex ClassCollectionName();
}
