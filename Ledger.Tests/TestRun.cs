using Ledger.Tests.Builders;

/// <summary>What the whole test run shares and must put away at its end (outside any namespace: it covers every test).</summary>
[SetUpFixture]
public sealed class TestRun
{
    [OneTimeTearDown]
    public void StopThePostgresCluster() => PostgresCluster.StopShared();
}
