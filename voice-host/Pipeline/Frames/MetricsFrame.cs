using VoiceAgents.VoiceHost.Metrics;


namespace VoiceAgents.VoiceHost.Pipeline.Frames;

/// <summary>A turn's latencies, sent to the client, the log and the call record.</summary>
public sealed record MetricsFrame(TurnMetricsReport Report) : SystemFrame;
