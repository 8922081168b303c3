namespace VoiceAgents.VoiceHost.Transport;

public sealed record TranscriptEvent(string Role, string Text, bool Final) : ClientEvent("transcript");
