namespace VoiceAgents.VoiceHost.Transport;

public sealed record ReadyEvent(string SessionId, string CallId, int OutputSampleRate) : ClientEvent("ready");
