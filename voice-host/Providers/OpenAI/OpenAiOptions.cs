namespace VoiceAgents.VoiceHost.Providers.OpenAI;

/// <summary>OpenAI settings (section <c>Providers:OpenAI</c>).</summary>
public sealed class OpenAiOptions : ChatCompletionsOptions
{
    public const string Section = "Providers:OpenAI";
    public const string DefaultBaseUrl = "https://api.openai.com/v1";

    public OpenAiOptions() => Model = "gpt-4o-mini";

    public bool IsConfigured => !string.IsNullOrWhiteSpace(ApiKey);
}
