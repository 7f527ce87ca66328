namespace Ledger.Api.Hosting;

/// <summary>
/// A setting the service cannot start with (an unknown database provider, a too-short bootstrap key, a public address
/// that is not http(s)): the operator's to fix, so the process ends with the message and exit code 1, not as a crash.
/// </summary>
public sealed class StartRefusedException(string message) : InvalidOperationException(message);
