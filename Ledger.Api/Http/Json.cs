using System.Text.Json;
using System.Text.Json.Serialization;
using Ledger.Api.Storage;

namespace Ledger.Api.Http;

/// <summary>
/// Every time the API writes is UTC in the stored form (<see cref="StoredTime.TimeFormat"/>, e.g. 2026-11-23T05:12:01.123Z):
/// one shape whether a value went through .NET or was rendered by the database (<see cref="RawJson"/>). Times sent
/// in are read by <see cref="Times.Read"/>: any offset, any precision, but an offset there must be.
/// </summary>
public sealed class UtcTimeJsonConverter : JsonConverter<DateTimeOffset>
{
    /// <summary>Longer than any time (a 16-digit fraction and an offset make 42 characters), escapes included.</summary>
    private const int MaxLength = 64;

    public override DateTimeOffset Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        // Not a string at all is a wrong type (malformed-json), as for any other field.
        if (reader.TokenType != JsonTokenType.String)
            throw new JsonException();
        if ((reader.HasValueSequence ? reader.ValueSequence.Length : reader.ValueSpan.Length) > MaxLength)
            throw new TimeFormatException("time-format");
        Span<char> text = stackalloc char[MaxLength];
        var length = reader.CopyString(text);
        return Times.Read(text[..length], out var value) is { } problem ? throw new TimeFormatException(problem) : value;
    }

    public override void Write(Utf8JsonWriter writer, DateTimeOffset value, JsonSerializerOptions options)
    {
        Span<char> text = stackalloc char[StoredTime.TimeLength];
        StoredTime.FormatTime(value, text);
        writer.WriteStringValue(text);
    }
}

/// <summary>
/// A JSON value rendered by the database (<see cref="Storage.ISqlDialect.JsonObject"/>), written into a response as it is. For the
/// hottest lists only: a row read as one text costs a few native calls instead of a few per column.
/// </summary>
[JsonConverter(typeof(RawJsonConverter))]
public readonly record struct RawJson(string Value);

public sealed class RawJsonConverter : JsonConverter<RawJson>
{
    public override RawJson Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        using var document = JsonDocument.ParseValue(ref reader);
        return new RawJson(document.RootElement.GetRawText());
    }

    // The text comes from the database's JSON object function over our own columns, so it is valid JSON by construction.
    public override void Write(Utf8JsonWriter writer, RawJson value, JsonSerializerOptions options) =>
        writer.WriteRawValue(value.Value, skipInputValidation: true);
}
