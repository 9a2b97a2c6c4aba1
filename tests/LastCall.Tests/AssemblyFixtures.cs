// One PostgreSQL cluster for the whole run (LastCall.TestSupport), started before the first test that asks for it.
[assembly: AssemblyFixture(typeof(LastCall.TestSupport.PostgresCluster))]
