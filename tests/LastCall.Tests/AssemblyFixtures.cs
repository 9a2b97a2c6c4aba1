// One PostgreSQL cluster for the whole run (LastCall.TestSupport), started before the first test that asks for it.
[assembly: AssemblyFixture(typeof(LastCall.TestSupport.PostgresCluster))]
// Collections marked [LongRunning] start first, so that none of them runs on alone at the end of the run.
[assembly: TestCollectionOrderer(typeof(LastCall.TestSupport.LongRunningFirst))]
