namespace VoiceAgents.VoiceHost.Transport;

public sealed record SpeakingEvent(string Kind) : ClientEvent(Kind);
