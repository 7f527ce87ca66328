using System.Text;

namespace Ledger.Tests.Builders;

/// <summary>
/// A CSV answer read back by an RFC 4180 parser of the tests' own (not the service's library), so a quoting mistake
/// in the service cannot hide behind the same mistake in the reader.
/// </summary>
public sealed class CsvFile
{
    private CsvFile(string text, bool bom)
    {
        Text = text;
        HasBom = bom;
        var records = Parse(text);
        Header = records[0];
        Rows = records.Skip(1).ToList();
    }

    /// <summary>The body after the BOM, as sent.</summary>
    public string Text { get; }

    public bool HasBom { get; }

    public string[] Header { get; }

    public IReadOnlyList<string[]> Rows { get; }

    /// <summary>Each row's value in the named column.</summary>
    public IReadOnlyList<string> Column(string name)
    {
        var index = Array.IndexOf(Header, name);
        Assert.That(index, Is.GreaterThanOrEqualTo(0), $"no column {name} in {string.Join(",", Header)}");
        return Rows.Select(r => r[index]).ToList();
    }

    /// <summary>The rows as column name → value.</summary>
    public IReadOnlyList<Dictionary<string, string>> Records =>
        Rows.Select(r => Header.Zip(r).ToDictionary(p => p.First, p => p.Second)).ToList();

    public static async Task<CsvFile> Read(HttpResponseMessage response)
    {
        var bytes = await response.Content.ReadAsByteArrayAsync();
        Assert.That(response.StatusCode, Is.EqualTo(System.Net.HttpStatusCode.OK), Encoding.UTF8.GetString(bytes));
        Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("text/csv"));
        var bom = bytes.Length >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF;
        return new CsvFile(Encoding.UTF8.GetString(bytes, bom ? 3 : 0, bytes.Length - (bom ? 3 : 0)), bom);
    }

    public static async Task<CsvFile> Get(HttpClient client, string url) => await Read(await client.GetAsync(url));

    private static List<string[]> Parse(string text)
    {
        var records = new List<string[]>();
        var fields = new List<string>();
        var field = new StringBuilder();
        var quoted = false;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (quoted)
            {
                if (c != '"')
                    field.Append(c);
                else if (i + 1 < text.Length && text[i + 1] == '"')
                    field.Append(text[++i]);
                else
                    quoted = false;
            }
            else if (c == '"')
                quoted = true;
            else if (c == ',')
            {
                fields.Add(field.ToString());
                field.Clear();
            }
            else if (c is '\r' or '\n')
            {
                if (c == '\r' && i + 1 < text.Length && text[i + 1] == '\n')
                    i++;
                fields.Add(field.ToString());
                field.Clear();
                records.Add(fields.ToArray());
                fields.Clear();
            }
            else
                field.Append(c);
        }
        if (field.Length > 0 || fields.Count > 0)
        {
            fields.Add(field.ToString());
            records.Add(fields.ToArray());
        }
        Assert.That(records, Is.Not.Empty, "no header row");
        Assert.That(records.Select(r => r.Length).Distinct().Count(), Is.EqualTo(1), "every record has the header's field count");
        return records;
    }
}
