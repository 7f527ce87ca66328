using Ledger.Core.Rules;

namespace Ledger.Tests.Core;

public sealed class CorePurityTests
{
    [Test]
    public void Core_ReferencesNoWebDataOrSqliteAssembly()
    {
        var references = typeof(RuleSet).Assembly.GetReferencedAssemblies().Select(a => a.Name!).ToList();
        Assert.That(references, Is.Not.Empty);
        Assert.That(references.Where(n => n.StartsWith("Microsoft.AspNetCore", StringComparison.Ordinal)
                                          || n.StartsWith("Dapper", StringComparison.Ordinal)
                                          || n.Contains("Sqlite", StringComparison.OrdinalIgnoreCase)
                                          || n.StartsWith("SQLitePCL", StringComparison.Ordinal)
                                          || n.StartsWith("Microsoft.Extensions", StringComparison.Ordinal)),
            Is.Empty, string.Join(", ", references));
    }
}
