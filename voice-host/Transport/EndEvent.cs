namespace VoiceAgents.VoiceHost.Transport;

public sealed record EndEvent(string Reason) : ClientEvent("end");
