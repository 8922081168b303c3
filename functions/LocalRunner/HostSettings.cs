using System.Text.Json;

namespace VoiceAgents.Functions.LocalRunner;

/// <summary>The parts of host.json the runner honours, with the Functions host's defaults.</summary>
public sealed record HostSettings(string RoutePrefix, int MaxDequeueCount, TimeSpan VisibilityTimeout, TimeSpan MaxPollingInterval, int BatchSize)
{
    public static HostSettings Load(string path)
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(path), new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        var ext = doc.RootElement.TryGetProperty("extensions", out var e) ? e : default;
        string prefix = "api";
        if (ext.ValueKind == JsonValueKind.Object && ext.TryGetProperty("http", out var http) && http.TryGetProperty("routePrefix", out var p))
        {
            prefix = p.GetString() ?? "";
        }
        var q = ext.ValueKind == JsonValueKind.Object && ext.TryGetProperty("queues", out var queues) ? queues : default;
        int Int(string name, int fallback) => q.ValueKind == JsonValueKind.Object && q.TryGetProperty(name, out var v) ? v.GetInt32() : fallback;
        TimeSpan Span(string name, TimeSpan fallback) => q.ValueKind == JsonValueKind.Object && q.TryGetProperty(name, out var v) ? TimeSpan.Parse(v.GetString()!, System.Globalization.CultureInfo.InvariantCulture) : fallback;
        return new HostSettings(
            prefix.Trim('/'),
            Int("maxDequeueCount", 5),
            Span("visibilityTimeout", TimeSpan.Zero),
            Span("maxPollingInterval", TimeSpan.FromMinutes(1)),
            Math.Clamp(Int("batchSize", 16), 1, 32));
    }
}
