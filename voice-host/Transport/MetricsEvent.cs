namespace VoiceAgents.VoiceHost.Transport;

public sealed record MetricsEvent(int Turn, double? VoiceToVoiceMs, double? SttMs, double? LlmTtftMs, double? TtsTtfbMs) : ClientEvent("metrics");
