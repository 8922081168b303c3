namespace VoiceAgents.VoiceHost.Providers;

/// <summary>What a provider does in a call; in lower case, the start of its key (<c>stt.deepgram</c>).</summary>
public enum ProviderKind
{
    Stt,
    Llm,
    Tts,
}
