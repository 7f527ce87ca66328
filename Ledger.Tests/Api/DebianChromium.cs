using Microsoft.Playwright;

namespace Ledger.Tests.Api;

/// <summary>
/// The one way a page test gets its browser: Debian's Chromium driven by Playwright (Playwright's own browser download
/// cannot work on a closed network), skipped with a message where it is missing, required under CI, whose .ci/run
/// installs it. Screenshots go to one folder a person looks at.
/// </summary>
public static class DebianChromium
{
    public const string Path = "/usr/bin/chromium";

    /// <summary>Fails under CI, skips elsewhere, when the browser is not installed.</summary>
    public static void Require(string test)
    {
        if (File.Exists(Path))
            return;
        if (Environment.GetEnvironmentVariable("CI") is not null)
            Assert.Fail($"CI must run the {test}, but {Path} is missing: .ci/run installs Debian's chromium.");
        Assert.Ignore($"No Chromium at {Path}: install Debian's chromium package to run the {test}.");
    }

    public static Task<IBrowser> Launch(IPlaywright playwright, params string[] extraArgs) =>
        playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = Path,
            Headless = true,
            // Without the background-networking flags Chromium keeps calling out of a closed network.
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--no-first-run", .. extraArgs],
        });

    public static string Screenshots()
    {
        var folder = System.IO.Path.Combine(TestContext.CurrentContext.WorkDirectory, "screenshots");
        Directory.CreateDirectory(folder);
        return folder;
    }
}
