using System.Text.Json;
using Serilog.Events;
using Serilog.Parsing;
using VoiceAgents.Core.Logging;

namespace VoiceAgents.Tests.Logging;

/// <summary>Every service logs one JSON object per line; these are the fields log queries rely on.</summary>
public sealed class LoggingTests
{
    private static readonly DateTimeOffset At = new(2024, 6, 1, 12, 30, 45, 123, TimeSpan.FromHours(2));

    [Fact]
    public void Log_line_is_one_json_object_with_timestamp_level_service_message_and_call_ids()
    {
        var e = Event(LogEventLevel.Information, "Call {CallId} ended after {Turns} turns", null,
            ("service", "voice-host"), ("CallId", "665f1c2e9b1e8a3d4c5b6a70"), ("agent_id", "665f1c2e9b1e8a3d4c5b6a71"),
            ("TenantId", "665f1c2e9b1e8a3d4c5b6a72"), ("Turns", 7), ("SourceContext", "VoiceAgents.VoiceHost.CallSession"));

        var line = Format(e);

        Assert.EndsWith("\n", line, StringComparison.Ordinal);
        Assert.Single(line.TrimEnd('\n').Split('\n'));
        var json = JsonDocument.Parse(line).RootElement;
        Assert.Equal("2024-06-01T10:30:45.1230000Z", json.GetProperty("timestamp").GetString());
        Assert.Equal("info", json.GetProperty("level").GetString());
        Assert.Equal("voice-host", json.GetProperty("service").GetString());
        Assert.Equal("Call 665f1c2e9b1e8a3d4c5b6a70 ended after 7 turns", json.GetProperty("message").GetString());
        Assert.Equal("665f1c2e9b1e8a3d4c5b6a70", json.GetProperty("call_id").GetString());
        Assert.Equal("665f1c2e9b1e8a3d4c5b6a71", json.GetProperty("agent_id").GetString());
        Assert.Equal("665f1c2e9b1e8a3d4c5b6a72", json.GetProperty("tenant_id").GetString());
        Assert.Equal(7, json.GetProperty("turns").GetInt32());
        Assert.Equal("VoiceAgents.VoiceHost.CallSession", json.GetProperty("logger").GetString());
        Assert.Equal(["timestamp", "level", "service", "message"], json.EnumerateObject().Take(4).Select(p => p.Name));
    }

    [Theory]
    [InlineData(LogEventLevel.Verbose, "trace")]
    [InlineData(LogEventLevel.Debug, "debug")]
    [InlineData(LogEventLevel.Warning, "warn")]
    [InlineData(LogEventLevel.Error, "error")]
    [InlineData(LogEventLevel.Fatal, "fatal")]
    public void Levels_are_lowercase_names(LogEventLevel level, string expected)
    {
        var json = JsonDocument.Parse(Format(Event(level, "x", null, ("service", "api")))).RootElement;
        Assert.Equal(expected, json.GetProperty("level").GetString());
    }

    [Fact]
    public void Exceptions_and_quotes_stay_inside_one_valid_json_line()
    {
        var error = new InvalidOperationException("bad \"quote\"\nand a newline");
        var e = Event(LogEventLevel.Error, "Upload of {Key} failed", error, ("service", "api"), ("Key", "recordings/a \"b\".wav"));

        var line = Format(e);

        Assert.Single(line.TrimEnd('\n').Split('\n'));
        var json = JsonDocument.Parse(line).RootElement;
        Assert.Equal("Upload of recordings/a \"b\".wav failed", json.GetProperty("message").GetString());
        Assert.Contains("bad \"quote\"\nand a newline", json.GetProperty("exception").GetString(), StringComparison.Ordinal);
    }

    private static LogEvent Event(LogEventLevel level, string template, Exception? error, params (string Name, object Value)[] properties) =>
        new(At, level, error, new MessageTemplateParser().Parse(template),
            properties.Select(p => new LogEventProperty(p.Name, new ScalarValue(p.Value))));

    private static string Format(LogEvent e)
    {
        var output = new StringWriter();
        new JsonLinesFormatter().Format(e, output);
        return output.ToString();
    }
}
