namespace VoiceAgents.VoiceHost.Transport;

public sealed record InterruptionEvent() : ClientEvent("interruption");
