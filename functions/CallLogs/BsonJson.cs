using System.Buffers;
using System.Text;
using System.Text.Json;
using MongoDB.Bson;
using VoiceAgents.Core.Json;

namespace VoiceAgents.Functions.CallLogs;

/// <summary>
/// Stored BSON (an analysis's schema fields) as plain JSON: numbers as numbers, dates as the API's ISO 8601 UTC
/// timestamps and ids as strings, where the driver's own JSON writer would give extended JSON (<c>{"$date": …}</c>).
/// </summary>
public static class BsonJson
{
    public static void Write(Utf8JsonWriter writer, BsonValue value)
    {
        switch (value.BsonType)
        {
            case BsonType.Document:
                writer.WriteStartObject();
                foreach (var e in value.AsBsonDocument)
                {
                    writer.WritePropertyName(e.Name);
                    Write(writer, e.Value);
                }
                writer.WriteEndObject();
                break;
            case BsonType.Array:
                writer.WriteStartArray();
                foreach (var item in value.AsBsonArray) Write(writer, item);
                writer.WriteEndArray();
                break;
            case BsonType.String:
                writer.WriteStringValue(value.AsString);
                break;
            case BsonType.Int32:
                writer.WriteNumberValue(value.AsInt32);
                break;
            case BsonType.Int64:
                writer.WriteNumberValue(value.AsInt64);
                break;
            case BsonType.Double when double.IsFinite(value.AsDouble):
                writer.WriteNumberValue(value.AsDouble);
                break;
            case BsonType.Decimal128 when Decimal128.TryParse(value.ToString(), out var d) && !Decimal128.IsNaN(d) && !Decimal128.IsInfinity(d):
                writer.WriteNumberValue(Decimal128.ToDecimal(d));
                break;
            case BsonType.Boolean:
                writer.WriteBooleanValue(value.AsBoolean);
                break;
            case BsonType.Null or BsonType.Undefined:
                writer.WriteNullValue();
                break;
            case BsonType.DateTime:
                writer.WriteStringValue(JsonDefaults.Timestamp(value.ToUniversalTime()));
                break;
            default:
                writer.WriteStringValue(value.ToString());
                break;
        }
    }

    /// <summary>How the API writes JSON: non-ASCII text as it is, not as <c>\u</c> escapes.</summary>
    public static readonly JsonWriterOptions WriterOptions = new() { Encoder = JsonDefaults.Options.Encoder };

    /// <summary>A value as compact JSON text.</summary>
    public static string ToText(BsonValue value)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer, WriterOptions))
        {
            Write(writer, value);
        }
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }
}
