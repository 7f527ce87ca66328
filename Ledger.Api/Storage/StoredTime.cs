using System.Data;
using System.Globalization;
using Dapper;

namespace Ledger.Api.Storage;

/// <summary>
/// How times are stored and read back, on every database: UTC ISO-8601 text of fixed width, and the Dapper handlers
/// that write every DateTimeOffset parameter in that form.
/// </summary>
public static class StoredTime
{
    /// <summary>
    /// Times are stored as UTC ISO-8601 text of fixed width (milliseconds, 'Z'), so text order is time order and
    /// range filters and keyset cursors compare as strings.
    /// </summary>
    public const string TimeFormat = "yyyy-MM-dd'T'HH:mm:ss.fff'Z'";

    /// <summary>Characters in a stored time.</summary>
    public const int TimeLength = 24;

    public static string Time(DateTimeOffset value) => string.Create(TimeLength, value, static (text, v) => FormatTime(v, text));

    /// <summary>
    /// Writes <paramref name="value"/> in the stored form into <see cref="TimeLength"/> characters, by position rather than through a
    /// format string: every row written, every time filter and every time in a response passes here.
    /// </summary>
    public static void FormatTime(DateTimeOffset value, Span<char> text)
    {
        var t = value.UtcDateTime;
        Digits(text[..4], t.Year);
        text[4] = '-';
        Digits(text.Slice(5, 2), t.Month);
        text[7] = '-';
        Digits(text.Slice(8, 2), t.Day);
        text[10] = 'T';
        Digits(text.Slice(11, 2), t.Hour);
        text[13] = ':';
        Digits(text.Slice(14, 2), t.Minute);
        text[16] = ':';
        Digits(text.Slice(17, 2), t.Second);
        text[19] = '.';
        Digits(text.Slice(20, 3), t.Millisecond);
        text[23] = 'Z';
    }

    /// <summary>Reads a stored time; anything else ISO-8601 is accepted too, the stored form is just read faster.</summary>
    public static DateTimeOffset ParseTime(string value) =>
        TryParseStored(value, out var parsed)
            ? parsed
            : DateTimeOffset.Parse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal);

    private static bool TryParseStored(string s, out DateTimeOffset value)
    {
        value = default;
        if (s.Length != TimeLength || s[4] != '-' || s[7] != '-' || s[10] != 'T' || s[13] != ':' || s[16] != ':' || s[19] != '.' || s[23] != 'Z')
            return false;
        if (!Number(s, 0, 4, out var year) || !Number(s, 5, 2, out var month) || !Number(s, 8, 2, out var day) ||
            !Number(s, 11, 2, out var hour) || !Number(s, 14, 2, out var minute) || !Number(s, 17, 2, out var second) ||
            !Number(s, 20, 3, out var millisecond))
            return false;
        if (year < 1 || month is < 1 or > 12 || day < 1 || day > DateTime.DaysInMonth(year, month) || hour > 23 || minute > 59 || second > 59)
            return false;
        value = new DateTimeOffset(year, month, day, hour, minute, second, millisecond, TimeSpan.Zero);
        return true;
    }

    private static bool Number(string s, int start, int length, out int value)
    {
        value = 0;
        for (var i = start; i < start + length; i++)
        {
            var digit = s[i] - '0';
            if ((uint)digit > 9)
                return false;
            value = value * 10 + digit;
        }
        return true;
    }

    private static void Digits(Span<char> into, int value)
    {
        for (var i = into.Length - 1; i >= 0; i--, value /= 10)
            into[i] = (char)('0' + value % 10);
    }

    private static int _configured;

    /// <summary>Dapper settings for the whole process; safe to call more than once.</summary>
    public static void ConfigureDapper()
    {
        if (Interlocked.Exchange(ref _configured, 1) == 1)
            return;
        DefaultTypeMap.MatchNamesWithUnderscores = true;
        // Dapper binds types of its own map (DateTimeOffset among them) without asking a handler; out of the map, a
        // DateTimeOffset parameter is written by the handler as sortable UTC text instead of the provider's local form.
        SqlMapper.RemoveTypeMap(typeof(DateTimeOffset));
        SqlMapper.RemoveTypeMap(typeof(DateTimeOffset?));
        SqlMapper.AddTypeHandler(new DateTimeOffsetHandler());
        SqlMapper.AddTypeHandler(new NullableDateTimeOffsetHandler());
    }

    private sealed class DateTimeOffsetHandler : SqlMapper.TypeHandler<DateTimeOffset>
    {
        public override void SetValue(IDbDataParameter parameter, DateTimeOffset value)
        {
            parameter.DbType = DbType.String;
            parameter.Value = Time(value);
        }

        public override DateTimeOffset Parse(object value) => ParseTime((string)value);
    }

    private sealed class NullableDateTimeOffsetHandler : SqlMapper.TypeHandler<DateTimeOffset?>
    {
        public override void SetValue(IDbDataParameter parameter, DateTimeOffset? value)
        {
            parameter.DbType = DbType.String;
            parameter.Value = value is { } v ? Time(v) : DBNull.Value;
        }

        public override DateTimeOffset? Parse(object value) => value is string s ? ParseTime(s) : null;
    }
}
