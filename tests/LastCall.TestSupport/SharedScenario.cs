using LastCall.Data;

namespace LastCall.TestSupport;

/// <summary>
/// One <see cref="Scenario"/> per provider (default settings) for the tests of one class (<c>IClassFixture&lt;SharedScenario&gt;</c>),
/// started when a test first asks for it and stopped after the class. Tests of a class run one after another, so a test
/// sees what the earlier ones left in the database: a class shares it only where no test depends on a state another changes.
/// </summary>
public sealed class SharedScenario(PostgresCluster postgres) : IAsyncDisposable
{
    private readonly Dictionary<DatabaseProvider, Lazy<Task<Scenario>>> _scenarios = new()
    {
        [DatabaseProvider.Sqlite] = new(() => Scenario.StartAsync(postgres, DatabaseProvider.Sqlite)),
        [DatabaseProvider.Postgres] = new(() => Scenario.StartAsync(postgres, DatabaseProvider.Postgres)),
    };

    public Task<Scenario> ScenarioAsync(DatabaseProvider provider = DatabaseProvider.Sqlite) => _scenarios[provider].Value;

    public async ValueTask DisposeAsync()
    {
        foreach (var scenario in _scenarios.Values.Where(s => s.IsValueCreated))
        {
            try
            {
                await (await scenario.Value).DisposeAsync();
            }
            catch (Exception) when (scenario.Value.IsFaulted)
            {
                // A scenario that never started has nothing to stop; its test already failed with the cause.
            }
        }
    }
}
