using Microsoft.AspNetCore.Http.Features;
using Ledger.Api.Storage;
using Ledger.Core.Audit;

namespace Ledger.Api.Http;

/// <summary>
/// Caps every request body at 64 KiB (API.md). Kestrel enforces the same limit on its own; this middleware makes the
/// answer a problem+json 413 early when the length is declared, and caps chunked bodies on any server. It also refuses
/// a body declared in another charset than UTF-8 (415): JSON is UTF-8, and the framework's reader throws on a charset
/// it does not know (gbk, GB2312), which would otherwise end as a 500.
/// </summary>
public static class BodyLimit
{
    public const int MaxBytes = 64 * 1024;

    public static IApplicationBuilder UseBodyLimit(this IApplicationBuilder app) => app.Use(async (http, next) =>
    {
        if (http.Request.ContentLength > MaxBytes)
        {
            await Problems.Write(http, new Failure(413, "payload-too-large", "payload-too-large", MaxBytes));
            return;
        }
        if (http.Request.ContentType is { } type && Microsoft.Net.Http.Headers.MediaTypeHeaderValue.TryParse(type, out var media)
            && media.Charset.HasValue)
        {
            var charset = media.Charset.ToString().Trim('"');
            if (!charset.Equals("utf-8", StringComparison.OrdinalIgnoreCase))
            {
                await Problems.Write(http, new Failure(415, "unsupported-media-type", "charset-unsupported", charset));
                return;
            }
            // The framework's reader knows "utf-8" but throws on a quoted "\"UTF-8\"", valid as it is.
            http.Request.ContentType = $"{media.MediaType}; charset=utf-8";
        }
        var feature = http.Features.Get<IHttpMaxRequestBodySizeFeature>();
        if (feature is { IsReadOnly: false })
            feature.MaxRequestBodySize = MaxBytes;
        if (http.Request.ContentLength is null && http.Request.Body.CanRead)
            http.Request.Body = new CappedStream(http.Request.Body, MaxBytes);
        await next(http);
    });

    private sealed class CappedStream(Stream inner, long cap) : Stream
    {
        private long _read;

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => _read; set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count) => Count(inner.Read(buffer, offset, count));

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            Count(await inner.ReadAsync(buffer, cancellationToken));

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        private int Count(int n)
        {
            _read += n;
            if (_read > cap)
                throw new BadHttpRequestException("Request body too large.", StatusCodes.Status413PayloadTooLarge);
            return n;
        }

        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
