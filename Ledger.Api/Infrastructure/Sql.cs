using System.Data;
using System.Globalization;
using Dapper;

namespace Ledger.Api.Infrastructure;

/// <summary>
/// The dialect corner: SQL and storage conventions that differ between SQLite and PostgreSQL, kept together so a
/// second dialect replaces one file. Everything else writes portable SQL (INSERT … RETURNING, keyset paging, CTEs).
/// </summary>
public static class Sql
{
    /// <summary>Takes the write lock at once, so a batch never fails half-way on a lock upgrade.</summary>
    public const string BeginWrite = "BEGIN IMMEDIATE";

    /// <summary>
    /// Times are stored as UTC ISO-8601 text of fixed width (milliseconds, 'Z'), so text order is time order and
    /// range filters and keyset cursors compare as strings.
    /// </summary>
    public const string TimeFormat = "yyyy-MM-dd'T'HH:mm:ss.fff'Z'";

    public static string Time(DateTimeOffset value) =>
        value.ToUniversalTime().ToString(TimeFormat, CultureInfo.InvariantCulture);

    public static DateTimeOffset ParseTime(string value) =>
        DateTimeOffset.Parse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal);

    /// <summary>
    /// A page's row limit (the <c>Take</c> parameter of <see cref="Filters.Page"/>). SQLite re-plans a statement on
    /// every run when its LIMIT is a bare parameter (the planner looks at the bound value), which cost more than the
    /// page itself; written as an expression, the limit leaves the statement prepared.
    /// </summary>
    public const string LimitTake = "LIMIT @Take + 0";

    /// <summary>
    /// An SQL expression rendering one JSON object from (name, expression) pairs; PostgreSQL spells it
    /// json_build_object. Times come out in their stored form, which is the form the API writes.
    /// </summary>
    public static string JsonObject(params (string Name, string Expression)[] fields) =>
        "json_object(" + string.Join(", ", fields.Select(f => $"'{f.Name}', {f.Expression}")) + ")";

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
