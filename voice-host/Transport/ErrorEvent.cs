namespace VoiceAgents.VoiceHost.Transport;

public sealed record ErrorEvent(string Message, bool Fatal) : ClientEvent("error");
