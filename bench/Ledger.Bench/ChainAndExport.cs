namespace Ledger.Bench;

public static class ChainAndExport
{
    public static Task<string> Verify(ServiceProcess service, string work) => Task.FromResult("verify: not run");
}

public static class Scale
{
    public static Task<IEnumerable<string>> Run(string repo, string work, Options options) => Task.FromResult<IEnumerable<string>>(["scale: not run"]);
}
