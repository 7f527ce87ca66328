using System.Globalization;
using CsvHelper;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Http.Metadata;
using Ledger.Api.Storage;

namespace Ledger.Api.Http;

/// <summary>
/// The one way a list answers <c>format=csv</c>: UTF-8 with a BOM (so Excel reads Chinese right), a header row, and
/// rows written as the query yields them — an export of a year is never held in memory. By default the export is for
/// people in a Chinese office (Chinese headers and words, local times); <c>Accept-Language: en</c> gives the machine
/// form (camelCase headers, codes, stored UTC times). Each export's <see cref="CsvTable{T}"/> defines both.
/// </summary>
public static class Csv
{
    public static bool Wanted(string? format) => string.Equals(format, "csv", StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// CsvHelper writes UTF-8 straight into the response (RFC 4180, CRLF). A text cell starting with = + - @, a tab
    /// or a CR is a formula to a spreadsheet (OWASP, CSV injection): it gets a leading quote mark and stays text.
    /// Numbers are written as numbers, so a negative amount stays -5.
    /// </summary>
    private static readonly CsvWriterOptions Options = new()
    {
        WriteByteOrderMark = true,
        Injection = CsvInjection.Escape,
        FormatProvider = CultureInfo.InvariantCulture,
    };

    /// <summary>Rows flushed to the client at least this often, so the first bytes leave long before the query ends.</summary>
    private const int FlushEvery = 500;

    /// <param name="zones">Each row's community's time zone, for the Chinese form's local times.</param>
    public static PushStreamHttpResult Stream<T>(string fileName, CsvTable<T> table, Func<IEnumerable<T>> rows, Func<long?, TimeZoneInfo> zones)
    {
        // Decided here, on the request: the body is written after the handler returns.
        var form = new CsvForm(Messages.IsEnglish, zones);
        return TypedResults.Stream(async body =>
        {
            await using var csv = CsvWriter.Create(body, Options, leaveOpen: true);
            table.WriteHeader(csv, form);
            var n = 0;
            foreach (var row in rows())
            {
                table.Write(csv, row, form);
                await csv.EndRecordAsync();
                if (++n % FlushEvery == 0)
                    await csv.FlushAsync();
            }
        }, "text/csv; charset=utf-8", fileName);
    }

    /// <summary>Marks a list endpoint that answers <c>format=csv</c> (see <see cref="UseFormatCheck"/>).</summary>
    public static TBuilder AnswersCsv<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(CsvExport.Instance);

    /// <summary>
    /// <c>format</c> is checked once, here, for every endpoint, rather than in each handler: an endpoint marked with
    /// <see cref="AnswersCsv{TBuilder}"/> takes json or csv, any other json only, and anything else is a 400 — never
    /// silent JSON to a caller who asked for a spreadsheet. An endpoint whose handler binds a <c>format</c> of its own
    /// (a future image or workbook) decides for itself. Runs after authorization, so a caller without a key still
    /// learns that first.
    /// </summary>
    public static IApplicationBuilder UseFormatCheck(this IApplicationBuilder app) => app.Use(CheckFormat);

    internal static Task CheckFormat(HttpContext http, RequestDelegate next)
    {
        if (!http.Request.QueryString.HasValue || !http.Request.Query.TryGetValue("format", out var asked)
            || http.GetEndpoint()?.Metadata is not { } metadata)
            return next(http);
        var csv = metadata.GetMetadata<CsvExport>() is not null;
        if (!csv && metadata.GetOrderedMetadata<IParameterBindingMetadata>().Any(p => p.Name == "format"))
            return next(http);
        string[] answers = csv ? ["json", "csv"] : ["json"];
        if (asked.Count == 1 && answers.Contains(asked[0], StringComparer.OrdinalIgnoreCase))
            return next(http);
        object[] args = [asked.ToString(), string.Join(", ", answers)];
        return Problems.Write(http, new Failure(400, "validation", "format-unsupported", args)
        {
            Errors = new Dictionary<string, string[]> { ["format"] = [Messages.Get("format-unsupported", args)] },
        });
    }

    /// <summary>The mark <see cref="AnswersCsv{TBuilder}"/> leaves on an endpoint.</summary>
    internal sealed class CsvExport
    {
        public static readonly CsvExport Instance = new();
    }
}

/// <summary>Which form an export is written in, and where its rows' local times are.</summary>
public sealed class CsvForm(bool english, Func<long?, TimeZoneInfo> zones)
{
    public bool English { get; } = english;

    public TimeZoneInfo Zone(long? communityId) => zones(communityId);
}

/// <summary>
/// The columns of one export, each defined once for both forms: the machine header and the Chinese one, and how the
/// row's value is written in each — so the two forms cannot drift apart.
/// </summary>
/// <param name="communityOf">The row's community, whose time zone its local times are in (null: the default zone).</param>
public sealed class CsvTable<T>(Func<T, long?> communityOf)
{
    private readonly List<(string En, string Zh, Action<CsvWriter, T, CsvForm> Write)> _columns = [];

    public CsvTable<T> Number(string en, string zh, Func<T, long?> value) =>
        Add(en, zh, (csv, row, _) => csv.WriteField(value(row)));

    /// <summary>Text as recorded (names, memos, receipt numbers) — the same in both forms.</summary>
    public CsvTable<T> Text(string en, string zh, Func<T, string?> value) =>
        Add(en, zh, (csv, row, _) => csv.WriteField(value(row)));

    /// <summary>Text whose Chinese form is written differently (an account with its holder's name, a reference).</summary>
    public CsvTable<T> Text(string en, string zh, Func<T, string?> machine, Func<T, string?> chinese) =>
        Add(en, zh, (csv, row, form) => csv.WriteField(form.English ? machine(row) : chinese(row)));

    /// <summary>A code of a stored vocabulary: the code itself in the machine form, its word in Chinese.</summary>
    public CsvTable<T> Code(string en, string zh, Func<T, string?> code, Words words) =>
        Add(en, zh, (csv, row, form) =>
        {
            var value = code(row);
            csv.WriteField(value is null || form.English ? value : words.Zh(value));
        });

    /// <summary>The stored UTC form in the machine form; the row's community's local time in Chinese.</summary>
    public CsvTable<T> Time(string en, string zh, Func<T, DateTimeOffset?> value) =>
        Add(en, zh, (csv, row, form) =>
        {
            if (value(row) is not { } time)
            {
                csv.WriteField((string?)null);
                return;
            }
            Span<char> text = stackalloc char[StoredTime.TimeLength];
            if (form.English)
            {
                StoredTime.FormatTime(time, text);
                csv.WriteField((ReadOnlySpan<char>)text);
                return;
            }
            var local = TimeZoneInfo.ConvertTime(time, form.Zone(communityOf(row)));
            local.TryFormat(text, out var written, Communities.TimeZones.LocalFormat, CultureInfo.InvariantCulture);
            csv.WriteField((ReadOnlySpan<char>)text[..written]);
        });

    internal void WriteHeader(CsvWriter csv, CsvForm form) => csv.WriteHeader(_columns.Select(c => form.English ? c.En : c.Zh).ToArray());

    internal void Write(CsvWriter csv, T row, CsvForm form)
    {
        foreach (var column in _columns)
            column.Write(csv, row, form);
    }

    private CsvTable<T> Add(string en, string zh, Action<CsvWriter, T, CsvForm> write)
    {
        _columns.Add((en, zh, write));
        return this;
    }
}
