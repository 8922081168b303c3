using System.Collections.Concurrent;
using System.Diagnostics;

namespace VoiceAgents.Bench.Tools;

/// <summary>Every tool call of the run by the model's call id, which the request carries as <c>X-Tool-Call-Id</c>.</summary>
public sealed class ToolCallLog
{
    public const string CallIdHeader = "X-Tool-Call-Id";

    private readonly ConcurrentDictionary<string, ToolCallTimes> _calls = new(StringComparer.Ordinal);

    public ToolCallTimes Open(string id, int call, int turn) => _calls[id] = new ToolCallTimes(call, turn) { Called = Stopwatch.GetTimestamp() };

    /// <summary>Stamps <paramref name="set"/> on the call named by <paramref name="id"/>, if it is one of the run's.</summary>
    public void Stamp(string? id, Action<ToolCallTimes, long> set)
    {
        var now = Stopwatch.GetTimestamp();
        if (id is not null && _calls.TryGetValue(id, out var times)) set(times, now);
    }

    public IReadOnlyCollection<ToolCallTimes> All => [.. _calls.Values];
}
