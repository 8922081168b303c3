namespace VoiceAgents.VoiceHost.Metrics;

/// <summary>One turn's latencies in milliseconds; null where a stage did not run.</summary>
public sealed record TurnMetricsReport(int Turn, double? VoiceToVoiceMs, double? SttMs, double? LlmTtftMs, double? TtsTtfbMs);
