using System.Reflection;
using System.Text.Json;
using Microsoft.Extensions.Primitives;
using Ledger.Api.Storage;

namespace Ledger.Api.Http;

/// <summary>
/// The one way a time comes in, from a JSON body (<see cref="UtcTimeJsonConverter"/>) or a query string
/// (<see cref="UseQueryTimes"/>): ISO-8601 with its offset (Z or ±hh:mm), at any precision. A time without an offset
/// is refused, not guessed: read as UTC, as the framework's readers do, 09:00 in Shanghai would be 17:00. A time is
/// read to the millisecond, the stored form (finer digits are dropped), so every check sees exactly the instant stored.
/// </summary>
public static class Times
{
    /// <summary>
    /// The forms System.Text.Json read before (so no client that sent an offset is refused now):
    /// yyyy-MM-ddTHH:mm[:ss[.f…]] then Z, ±hh or ±hh:mm; up to 16 fractional digits.
    /// </summary>
    private const int MaxFractionDigits = 16;

    /// <summary>Reads a time; answers null, or the key of the message saying what is wrong (time-offset, time-format).</summary>
    public static string? Read(ReadOnlySpan<char> s, out DateTimeOffset value)
    {
        value = default;
        if (s.Length < 10 || !Number(s, 0, 4, out var year) || s[4] != '-' || !Number(s, 5, 2, out var month) || s[7] != '-' ||
            !Number(s, 8, 2, out var day) || year < 1 || month is < 1 or > 12 || day < 1 || day > DateTime.DaysInMonth(year, month))
            return "time-format";
        if (s.Length == 10)
            return "time-offset";
        if (s.Length < 16 || s[10] != 'T' || !Number(s, 11, 2, out var hour) || s[13] != ':' || !Number(s, 14, 2, out var minute) ||
            hour > 23 || minute > 59)
            return "time-format";

        var i = 16;
        int second = 0, millisecond = 0;
        if (i < s.Length && s[i] == ':')
        {
            if (!Number(s, i + 1, 2, out second) || second > 59)
                return "time-format";
            i += 3;
            if (i < s.Length && s[i] == '.')
            {
                var first = ++i;
                while (i < s.Length && char.IsAsciiDigit(s[i]))
                    i++;
                if (i - first is 0 or > MaxFractionDigits)
                    return "time-format";
                for (var k = 0; k < 3; k++)
                    millisecond = millisecond * 10 + (first + k < i ? s[first + k] - '0' : 0);
            }
        }

        if (i == s.Length)
            return "time-offset";
        TimeSpan offset;
        if (s[i] == 'Z' && i + 1 == s.Length)
            offset = TimeSpan.Zero;
        else if (s[i] is '+' or '-' && Number(s, i + 1, 2, out var offsetHours))
        {
            var rest = s[(i + 3)..];
            var offsetMinutes = 0;
            if (rest.Length != 0 && !(rest.Length == 3 && rest[0] == ':' && Number(rest, 1, 2, out offsetMinutes)))
                return "time-format";
            if (offsetMinutes > 59 || offsetHours * 60 + offsetMinutes > 14 * 60)
                return "time-format";
            offset = new TimeSpan(offsetHours, offsetMinutes, 0) * (s[i] == '-' ? -1 : 1);
        }
        else
            return "time-format";

        var local = new DateTime(year, month, day, hour, minute, second, millisecond);
        // 0001-01-01T00:00+01:00 is before the first instant a DateTimeOffset can hold.
        var utcTicks = local.Ticks - offset.Ticks;
        if (utcTicks < DateTime.MinValue.Ticks || utcTicks > DateTime.MaxValue.Ticks)
            return "time-format";
        value = new DateTimeOffset(local, offset);
        return null;
    }

    private static bool Number(ReadOnlySpan<char> s, int start, int length, out int value)
    {
        value = 0;
        if (start + length > s.Length)
            return false;
        for (var i = start; i < start + length; i++)
        {
            if (!char.IsAsciiDigit(s[i]))
                return false;
            value = value * 10 + (s[i] - '0');
        }
        return true;
    }

    /// <summary>
    /// Reads the query parameters that are times (<see cref="QueryTimes"/>) before the endpoint binds them: a refused
    /// one is answered 400 <c>validation</c> naming the parameter; an accepted one is handed on in the stored form, which
    /// the framework's binder reads as the same instant. Left to itself, the binder would read a time without an offset
    /// as UTC.
    /// </summary>
    public static IApplicationBuilder UseQueryTimes(this IApplicationBuilder app) => app.Use((http, next) =>
    {
        if (http.GetEndpoint()?.Metadata.GetMetadata<QueryTimes>() is not { } times || !http.Request.QueryString.HasValue)
            return next(http);
        Dictionary<string, StringValues>? read = null;
        foreach (var name in times.Names)
        {
            // Several values are joined with commas, as the binder would see them, and so refused.
            var text = http.Request.Query[name].ToString();
            if (text.Length == 0)
                continue;
            if (Read(text, out var value) is { } problem)
                // An unencoded + in a URL arrives as a space: 09:00:00+08:00 becomes "09:00:00 08:00".
                return Problems.Write(http, Failure.Invalid(name, text.Contains(' ') ? "time-plus-in-url" : problem));
            read ??= new Dictionary<string, StringValues>(http.Request.Query, StringComparer.OrdinalIgnoreCase);
            read[name] = StoredTime.Time(value);
        }
        if (read is not null)
            http.Request.Query = new QueryCollection(read);
        return next(http);
    });

    /// <summary>Marks each endpoint whose handler takes times from the query string, for <see cref="UseQueryTimes"/>.</summary>
    public static TBuilder WithQueryTimes<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder
    {
        builder.Finally(endpoint =>
        {
            // The handlers' plain DateTimeOffset parameters are all query parameters: bodies are records, routes take ids.
            var names = endpoint.Metadata.OfType<MethodInfo>().FirstOrDefault()?.GetParameters()
                .Where(p => p.ParameterType == typeof(DateTimeOffset) || p.ParameterType == typeof(DateTimeOffset?))
                .Select(p => p.Name!)
                .ToArray();
            if (names is { Length: > 0 })
                endpoint.Metadata.Add(new QueryTimes(names));
        });
        return builder;
    }
}

/// <summary>The query parameters of an endpoint that are times.</summary>
public sealed record QueryTimes(IReadOnlyList<string> Names);

/// <summary>A time in a JSON body that <see cref="Times.Read"/> refused; answered as 400 <c>validation</c> naming the field.</summary>
public sealed class TimeFormatException(string messageKey) : JsonException(messageKey)
{
    public string MessageKey { get; } = messageKey;

    /// <summary>The field as the client wrote it: "$.entries[3].startedAt" is "entries[3].startedAt".</summary>
    public string Field => Path is { Length: > 2 } path && path.StartsWith("$.", StringComparison.Ordinal) ? path[2..] : Path ?? "$";
}
