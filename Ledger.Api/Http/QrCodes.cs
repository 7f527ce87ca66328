using QRCoder;
using Ledger.Api.Storage;
using Ledger.Core.Audit;

namespace Ledger.Api.Http;

/// <summary>
/// QR codes for print (member cards, certificates), drawn by QRCoder as PNG: it needs no native graphics, and a PNG
/// inlined as a data: URI needs nothing fetched from elsewhere. Error correction M survives a smudge or a fold.
/// </summary>
public static class QrCodes
{
    public static byte[] Png(string text, int pixelsPerModule = 8)
    {
        using var generator = new QRCodeGenerator();
        using var data = generator.CreateQrCode(text, QRCodeGenerator.ECCLevel.M);
        return new PngByteQRCode(data).GetGraphic(pixelsPerModule);
    }

    public static string DataUri(string text, int pixelsPerModule = 8) => "data:image/png;base64," + Convert.ToBase64String(Png(text, pixelsPerModule));
}
