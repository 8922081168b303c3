using System.Text.Json;
using System.Text.Json.Serialization;

namespace VoiceAgents.Core.Json;

/// <summary>
/// Writes date-times to the millisecond, the precision MongoDB keeps, so a resource shows the same timestamps in the
/// response that created it as in every later read.
/// </summary>
public sealed class MillisecondDateTimeConverter : JsonConverter<DateTime>
{
    public override DateTime Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) => reader.GetDateTime();

    public override void Write(Utf8JsonWriter writer, DateTime value, JsonSerializerOptions options) =>
        writer.WriteStringValue(new DateTime(value.Ticks - value.Ticks % TimeSpan.TicksPerMillisecond, value.Kind));
}
