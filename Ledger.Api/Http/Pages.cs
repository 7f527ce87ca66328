using System.Security.Cryptography;
using System.Text;
using Ledger.Api.Storage;
using Ledger.Core.Audit;

namespace Ledger.Api.Http;

/// <summary>
/// The headers of the pages the service serves itself — the counter page, certificates and their check page: a
/// Content-Security-Policy that runs nothing a page did not bring from the service, and no framing by another site (a
/// counter page that redeems points must not be clicked through an invisible frame).
/// </summary>
public static class PageSecurity
{
    /// <summary>The counter page: its own script and stylesheet (no inline ones), its own and inline images, calls to the API on the same origin.</summary>
    public const string CounterPolicy =
        "default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

    /// <summary>
    /// A generated document: no script at all, its one inline stylesheet allowed by its hash (a printable page is one
    /// file, and a hash admits exactly that stylesheet and nothing injected beside it), images only inline (the QR code).
    /// </summary>
    public static string DocumentPolicy(string styleHash) =>
        $"default-src 'none'; style-src '{styleHash}'; img-src data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

    public static void Apply(HttpResponse response, string policy)
    {
        response.Headers.ContentSecurityPolicy = policy;
        response.Headers.XFrameOptions = "DENY";
        response.Headers.XContentTypeOptions = "nosniff";
    }

    /// <summary>The CSP source of an inline stylesheet: the hash of its text exactly as it stands between the tags.</summary>
    public static string StyleHash(string style) => "sha256-" + Convert.ToBase64String(SHA256.HashData(Encoding.UTF8.GetBytes(style)));
}

/// <summary>A generated HTML page with one inline stylesheet, answered with <see cref="PageSecurity.DocumentPolicy"/>.</summary>
public sealed class HtmlPage(string html, string styleHash) : IResult
{
    public string Html => html;

    public Task ExecuteAsync(HttpContext http)
    {
        PageSecurity.Apply(http.Response, PageSecurity.DocumentPolicy(styleHash));
        http.Response.ContentType = "text/html; charset=utf-8";
        return http.Response.WriteAsync(html, http.RequestAborted);
    }
}
