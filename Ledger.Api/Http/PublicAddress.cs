using Ledger.Api.Storage;
using Ledger.Core.Audit;

namespace Ledger.Api.Http;

/// <summary>
/// Where people reach the service from outside, for addresses printed on paper (a certificate's check URL and its QR
/// code): <c>Ledger:PublicBaseUrl</c>, or else the request's own scheme, host and path base — right when clients reach
/// the service directly, wrong behind a proxy that rewrites the host, so set it there. A bad value stops the start.
/// </summary>
public sealed class PublicAddress
{
    public const string Setting = "Ledger:PublicBaseUrl";

    private readonly string? _configured;

    public PublicAddress(IConfiguration configuration)
    {
        var value = configuration[Setting]?.Trim();
        if (string.IsNullOrEmpty(value))
            return;
        if (!Uri.TryCreate(value, UriKind.Absolute, out var uri) || uri.Scheme is not ("https" or "http")
            || uri.Query.Length > 0 || uri.Fragment.Length > 0 || uri.UserInfo.Length > 0)
            throw new Hosting.StartRefusedException($"{Setting} must be an absolute http(s) address without query or fragment, e.g. https://ledger.example.org");
        _configured = uri.GetLeftPart(UriPartial.Path).TrimEnd('/');
    }

    public string Base(HttpRequest request) => _configured ?? $"{request.Scheme}://{request.Host}{request.PathBase}";
}
