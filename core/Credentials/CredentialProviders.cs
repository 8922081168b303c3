using VoiceAgents.Core.Providers;

namespace VoiceAgents.Core.Credentials;

/// <summary>The providers a tenant may store a key for: every vendor of the provider registry, and Twilio.</summary>
public static class CredentialProviders
{
    public const string Twilio = "twilio";

    /// <summary>Providers whose credential names a server (<c>base_url</c>): required for one, optional for the other.</summary>
    public const string OpenAiCompatible = "openai_compatible";
    public const string Ai4Bharat = "ai4bharat";

    /// <summary>In registry order (LLM, STT, TTS), each once.</summary>
    public static IReadOnlyList<string> All { get; } =
        [.. ProviderRegistry.Llm.Concat(ProviderRegistry.Stt).Concat(ProviderRegistry.Tts).Where(p => !p.Offline).Select(p => p.Name).Distinct(), Twilio];

    public static bool IsVendor(string name) =>
        ProviderRegistry.Llm.Concat(ProviderRegistry.Stt).Concat(ProviderRegistry.Tts).Any(p => p.Name == name && !p.Offline);
}
