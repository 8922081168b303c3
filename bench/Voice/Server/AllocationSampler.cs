using System.Collections.Concurrent;
using System.Diagnostics.Tracing;

namespace VoiceAgents.Bench.Voice.Server;

/// <summary>
/// Which types the server allocates, from the runtime's GC AllocationTick events (one per ~100 KB allocated,
/// naming the type that crossed the mark): a sampling allocation profile without external tools.
/// </summary>
public sealed class AllocationSampler : EventListener
{
    private const EventKeywords GcKeyword = (EventKeywords)0x1;
    private readonly ConcurrentDictionary<string, long> _bytes = new();

    protected override void OnEventSourceCreated(EventSource source)
    {
        if (source.Name == "Microsoft-Windows-DotNETRuntime") EnableEvents(source, EventLevel.Verbose, GcKeyword);
    }

    protected override void OnEventWritten(EventWrittenEventArgs e)
    {
        if (e.EventName is not "GCAllocationTick_V4" and not "GCAllocationTick_V3" || e.Payload is null) return;
        var type = e.PayloadNames!.IndexOf("TypeName") is var t and >= 0 ? e.Payload[t] as string ?? "?" : "?";
        var amount = e.PayloadNames.IndexOf("AllocationAmount64") is var a and >= 0 && e.Payload[a] is ulong n ? (long)n : 100_000;
        _bytes.AddOrUpdate(type, amount, (_, v) => v + amount);
    }

    /// <summary>Sampled bytes by type since the last call, largest first.</summary>
    public IReadOnlyList<KeyValuePair<string, long>> Drain()
    {
        var snapshot = new List<KeyValuePair<string, long>>();
        foreach (var key in _bytes.Keys)
        {
            if (_bytes.TryRemove(key, out var v)) snapshot.Add(new(key, v));
        }
        return snapshot.OrderByDescending(p => p.Value).ToList();
    }
}
