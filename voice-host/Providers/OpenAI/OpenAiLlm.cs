using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace VoiceAgents.VoiceHost.Providers.OpenAI;

/// <summary>The <c>openai</c> LLM: OpenAI's chat-completions API, streamed.</summary>
public sealed class OpenAiLlm(IOptions<OpenAiOptions> options, IHttpClientFactory http, ILogger<OpenAiLlm> log)
    : ChatCompletionsLlm(Descriptor, options.Value, OpenAiOptions.DefaultBaseUrl, keyRequired: true, http, log), IDescribedProvider
{
    public static ProviderDescriptor Descriptor { get; } = new ProviderDescriptor<OpenAiLlm, OpenAiOptions>
    {
        Info = new("openai", "OpenAI", Offline: false, [
            new("model", "string", "Chat model", ["gpt-4o-mini", "gpt-4o", "gpt-4.1-mini", "gpt-4.1"]),
            new("temperature", "number", "0 to 2")]),
        Order = 10,
        Section = OpenAiOptions.Section,
        Settings = ["ApiKey"],
        IsConfigured = o => o.IsConfigured,
    };
}
