using System.Globalization;
using System.Text;

namespace Ledger.Api.Infrastructure;

/// <summary>
/// The one way a list answers <c>format=csv</c>: UTF-8 with a BOM (so Excel reads Chinese right), a header row, and
/// rows written as the query yields them — an export of a year is never held in memory.
/// </summary>
public static class Csv
{
    public static bool Wanted(string? format) => string.Equals(format, "csv", StringComparison.OrdinalIgnoreCase);

    public static IResult Stream<T>(string fileName, string[] header, Func<IEnumerable<T>> rows, Func<T, object?[]> fields) =>
        Results.Stream(async body =>
        {
            await using var writer = new StreamWriter(body, new UTF8Encoding(encoderShouldEmitUTF8Identifier: true), bufferSize: 16 * 1024);
            await writer.WriteLineAsync(Line(header));
            var n = 0;
            foreach (var row in rows())
            {
                await writer.WriteLineAsync(Line(fields(row)));
                // Hand full buffers to the client as they fill, so the first bytes leave before the query ends.
                if (++n % 500 == 0)
                    await writer.FlushAsync();
            }
        }, "text/csv; charset=utf-8", fileName);

    private static string Line(IEnumerable<object?> values) => string.Join(',', values.Select(Field));

    private static string Field(object? value)
    {
        var text = value switch
        {
            null => "",
            DateTimeOffset t => Sql.Time(t),
            IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
            _ => value.ToString() ?? "",
        };
        // A cell starting with = + - @ is a formula to a spreadsheet; a quote mark keeps it text (CSV injection).
        if (text.Length > 0 && text[0] is '=' or '+' or '-' or '@' && value is string)
            text = "'" + text;
        return text.IndexOfAny([',', '"', '\n', '\r']) >= 0 ? $"\"{text.Replace("\"", "\"\"", StringComparison.Ordinal)}\"" : text;
    }
}
