using System.Diagnostics;
using System.Text;
using Ledger.Tests.Builders;

namespace Ledger.Tests.Api;

/// <summary>
/// The README's curl walk-through, run exactly as printed — only the address and the admin key filled in — against the
/// built service on a fresh database, so the first thing a new user copies cannot silently stop working.
/// </summary>
public sealed class ReadmeWalkThroughTests
{
    [Test]
    public async Task CurlWalkThrough_RunsAsPrinted_OnAFreshDatabase()
    {
        foreach (var tool in new[] { "bash", "curl", "date" })
        {
            if (Which(tool) is not null)
                continue;
            if (Environment.GetEnvironmentVariable("CI") is not null)
                Assert.Fail($"CI must run the README walk-through, but {tool} is missing.");
            Assert.Ignore($"No {tool} on PATH: the README walk-through needs bash, curl and GNU date.");
        }

        var script = WalkThrough(File.ReadAllText(Path.Combine(RepositoryRoot(), "README.md")));
        var folder = Path.Combine(Path.GetTempPath(), "ledger-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        try
        {
            await using var service = new ServiceProcess(Path.Combine(folder, "ledger.db"));
            await service.Start();
            script = Fill(script, "B=", service.Address.ToString().TrimEnd('/'));
            script = Fill(script, "K=", LedgerApp.AdminKey);

            var (exit, output) = await Bash(script, folder);

            Assert.That(exit, Is.Zero, output);
            Assert.That(output, Does.Contain("\"name\":\"张阿姨\""), "found by name");
            Assert.That(output, Does.Contain("\"status\":\"approved\"").And.Contain("\"minutes\":120").And.Contain("\"points\":20"));
            Assert.That(output, Does.Contain("\"receiptNo\":\"C").And.Contain("\"balanceAfter\":5"));
            Assert.That(output, Does.Contain("\"balance\":5"), "the summary after the redemption");
            var csv = File.ReadAllBytes(Path.Combine(folder, "redemptions.csv"));
            Assert.That(csv.Take(3), Is.EqualTo(new byte[] { 0xEF, 0xBB, 0xBF }), "a BOM, so Excel reads Chinese");
            Assert.That(Encoding.UTF8.GetString(csv), Does.Contain("兑换单号").And.Contain("张阿姨").And.Contain("毛巾"));
        }
        finally
        {
            TestDatabase.ReleaseAll();
            Directory.Delete(folder, recursive: true);
        }
    }

    /// <summary>The first bash block under the walk-through's heading.</summary>
    private static string WalkThrough(string readme)
    {
        var section = readme.IndexOf("## A walk through with curl", StringComparison.Ordinal);
        Assert.That(section, Is.GreaterThanOrEqualTo(0), "the README has its walk-through");
        var start = readme.IndexOf("```bash\n", section, StringComparison.Ordinal) + "```bash\n".Length;
        var end = readme.IndexOf("\n```", start, StringComparison.Ordinal);
        return readme[start..end];
    }

    /// <summary>Sets the value of the line starting with <paramref name="assignment"/>, keeping the rest of the script as printed.</summary>
    private static string Fill(string script, string assignment, string value)
    {
        var lines = script.Split('\n');
        var index = Array.FindIndex(lines, l => l.StartsWith(assignment, StringComparison.Ordinal));
        Assert.That(index, Is.GreaterThanOrEqualTo(0), $"the walk-through sets {assignment}…");
        var comment = lines[index].IndexOf('#');
        lines[index] = assignment + value + (comment >= 0 ? "   " + lines[index][comment..] : "");
        return string.Join('\n', lines);
    }

    private static async Task<(int Exit, string Output)> Bash(string script, string folder)
    {
        var start = new ProcessStartInfo("bash", ["-euo", "pipefail", "-c", script])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = folder,
        };
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await stdout + await stderr);
    }

    private static string? Which(string tool) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':').Select(d => Path.Combine(d, tool)).FirstOrDefault(File.Exists);

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Ledger.sln")))
                return dir.FullName;
        throw new InvalidOperationException("Ledger.sln not found above the test assembly.");
    }
}
