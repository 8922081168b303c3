using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;

namespace VoiceAgents.Core.Json;

/// <summary>The wire format of every API body and queue message: snake_case names, snake_case enum strings, millisecond times.</summary>
public static class JsonDefaults
{
    // An explicit resolver: JsonSchemaExporter (the OpenAPI document) refuses options that have none yet, which
    // these have until their first use by JsonSerializer.
    public static JsonSerializerOptions Options { get; } =
        Configure(new JsonSerializerOptions(JsonSerializerDefaults.Web) { TypeInfoResolver = new DefaultJsonTypeInfoResolver() });

    public static JsonSerializerOptions Configure(JsonSerializerOptions options)
    {
        options.PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower;
        options.DictionaryKeyPolicy = JsonNamingPolicy.SnakeCaseLower;
        options.NumberHandling = JsonNumberHandling.Strict;
        options.DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull;
        options.Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping;
        options.RespectNullableAnnotations = false;
        options.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower, allowIntegerValues: false));
        options.Converters.Add(new MillisecondDateTimeConverter());
        return options;
    }

    /// <summary>A time as event payloads carry it: UTC, ISO 8601, always three decimals (<c>2026-03-01T12:00:03.120Z</c>).</summary>
    public static string Timestamp(DateTime time) => time.ToUniversalTime().ToString("yyyy-MM-ddTHH:mm:ss.fffZ", System.Globalization.CultureInfo.InvariantCulture);
}
