using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace VoiceAgents.VoiceHost.Providers.OpenAI;

/// <summary>OpenAI settings (section <c>Providers:OpenAI</c>).</summary>
public sealed class OpenAiOptions : ChatCompletionsOptions
{
    public const string Section = "Providers:OpenAI";
    public const string DefaultBaseUrl = "https://api.openai.com/v1";

    public OpenAiOptions() => Model = "gpt-4o-mini";

    public bool IsConfigured => !string.IsNullOrWhiteSpace(ApiKey);
}

/// <summary>The <c>openai</c> LLM: OpenAI's chat-completions API, streamed.</summary>
public sealed class OpenAiLlm(IOptions<OpenAiOptions> options, ILogger<OpenAiLlm> log)
    : ChatCompletionsLlm("openai", OpenAiOptions.Section, options.Value, OpenAiOptions.DefaultBaseUrl, keyRequired: true, log);
