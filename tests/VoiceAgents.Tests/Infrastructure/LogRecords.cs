using System.Collections.Concurrent;
using Serilog.Core;
using Serilog.Events;

namespace VoiceAgents.Tests.Infrastructure;

/// <summary>
/// The log events of a host's chosen source contexts (log categories), kept for a test that waits on one. A Serilog
/// sink, since Serilog owns the hosts' logging (<c>AddJsonLogging</c>) and other logger providers never see a record.
/// </summary>
public sealed class LogRecords(IReadOnlyCollection<string> sources) : ILogEventSink
{
    private readonly ConcurrentQueue<(LogEventLevel Level, string Message)> _records = new();

    public void Emit(LogEvent logEvent)
    {
        if (logEvent.Properties.TryGetValue("SourceContext", out var source)
            && source is ScalarValue { Value: string name } && sources.Contains(name))
        {
            _records.Enqueue((logEvent.Level, logEvent.RenderMessage(System.Globalization.CultureInfo.InvariantCulture)));
        }
    }

    /// <summary>How many records so far have the level and a message containing every one of <paramref name="parts"/>.</summary>
    public int Count(LogEventLevel level, params string[] parts) =>
        _records.Count(r => r.Level == level && parts.All(p => r.Message.Contains(p, StringComparison.Ordinal)));

    /// <summary>The last <paramref name="count"/> records, for a failure message.</summary>
    public string Recent(int count = 15) => string.Join("\n", _records.TakeLast(count).Select(r => $"{r.Level}: {r.Message}"));
}
