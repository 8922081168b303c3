using System.Text.Json;
using Serilog.Events;
using Serilog.Formatting;

namespace VoiceAgents.Core.Logging;

/// <summary>
/// One JSON object per line: <c>timestamp</c>, <c>level</c>, <c>service</c>, <c>message</c>, then ids such as
/// <c>call_id</c>, <c>agent_id</c>, <c>tenant_id</c> and any other properties, snake_cased.
/// </summary>
public sealed class JsonLinesFormatter : ITextFormatter
{
    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public void Format(LogEvent e, TextWriter output)
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer, WriterOptions))
        {
            w.WriteStartObject();
            w.WriteString("timestamp", e.Timestamp.UtcDateTime.ToString("O"));
            w.WriteString("level", Level(e.Level));
            if (e.Properties.TryGetValue("service", out var service)) Write(w, "service", service);
            w.WriteString("message", Render(e));
            foreach (var (name, value) in e.Properties)
            {
                if (name is "service" or "SourceContext" or "EventId" or "RequestId" or "ConnectionId") continue;
                Write(w, JsonNamingPolicy.SnakeCaseLower.ConvertName(name), value);
            }
            if (e.Properties.TryGetValue("SourceContext", out var source)) Write(w, "logger", source);
            if (e.Exception is not null) w.WriteString("exception", e.Exception.ToString());
            w.WriteEndObject();
        }
        output.Write(System.Text.Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length));
        output.Write('\n');
    }

    /// <summary>The message with string values unquoted, as a person reads it.</summary>
    private static string Render(LogEvent e)
    {
        var text = new StringWriter();
        foreach (var token in e.MessageTemplate.Tokens)
        {
            if (token is Serilog.Parsing.PropertyToken p && e.Properties.TryGetValue(p.PropertyName, out var v) && v is ScalarValue { Value: string s })
            {
                text.Write(s);
            }
            else
            {
                token.Render(e.Properties, text);
            }
        }
        return text.ToString();
    }

    private static string Level(LogEventLevel level) => level switch
    {
        LogEventLevel.Verbose => "trace",
        LogEventLevel.Debug => "debug",
        LogEventLevel.Information => "info",
        LogEventLevel.Warning => "warn",
        LogEventLevel.Error => "error",
        _ => "fatal",
    };

    private static void Write(Utf8JsonWriter w, string name, LogEventPropertyValue value)
    {
        w.WritePropertyName(name);
        WriteValue(w, value);
    }

    private static void WriteValue(Utf8JsonWriter w, LogEventPropertyValue value)
    {
        switch (value)
        {
            case ScalarValue { Value: null }: w.WriteNullValue(); break;
            case ScalarValue { Value: string s }: w.WriteStringValue(s); break;
            case ScalarValue { Value: bool b }: w.WriteBooleanValue(b); break;
            case ScalarValue { Value: int or long or short or byte or uint or ulong or ushort or sbyte } sv: w.WriteNumberValue(Convert.ToInt64(sv.Value, System.Globalization.CultureInfo.InvariantCulture)); break;
            case ScalarValue { Value: double or float or decimal } sv: w.WriteNumberValue(Convert.ToDouble(sv.Value, System.Globalization.CultureInfo.InvariantCulture)); break;
            case ScalarValue { Value: DateTime d }: w.WriteStringValue(d.ToUniversalTime().ToString("O")); break;
            case ScalarValue { Value: DateTimeOffset d }: w.WriteStringValue(d.UtcDateTime.ToString("O")); break;
            case ScalarValue sv: w.WriteStringValue(Convert.ToString(sv.Value, System.Globalization.CultureInfo.InvariantCulture)); break;
            case SequenceValue seq:
                w.WriteStartArray();
                foreach (var item in seq.Elements) WriteValue(w, item);
                w.WriteEndArray();
                break;
            case StructureValue st:
                w.WriteStartObject();
                foreach (var p in st.Properties) Write(w, JsonNamingPolicy.SnakeCaseLower.ConvertName(p.Name), p.Value);
                w.WriteEndObject();
                break;
            case DictionaryValue dict:
                w.WriteStartObject();
                foreach (var (k, v) in dict.Elements) Write(w, Convert.ToString(k.Value, System.Globalization.CultureInfo.InvariantCulture) ?? "", v);
                w.WriteEndObject();
                break;
            default: w.WriteStringValue(value.ToString()); break;
        }
    }
}
