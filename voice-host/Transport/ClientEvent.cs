namespace VoiceAgents.VoiceHost.Transport;

public abstract record ClientEvent(string Type);
