using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace VoiceAgents.VoiceHost.Providers.OpenAI;

/// <summary>The <c>openai_compatible</c> LLM: any server speaking OpenAI's chat-completions API.</summary>
public sealed class OpenAiCompatibleLlm(IOptions<OpenAiCompatibleOptions> options, IHttpClientFactory http, ILogger<OpenAiCompatibleLlm> log)
    : ChatCompletionsLlm(Descriptor, options.Value, defaultBaseUrl: "", keyRequired: false, http, log), IDescribedProvider
{
    public static ProviderDescriptor Descriptor { get; } = new ProviderDescriptor<OpenAiCompatibleLlm, OpenAiCompatibleOptions>
    {
        Info = new("openai_compatible", "OpenAI-compatible (llama.cpp, vLLM, Ollama)", Offline: false, [
            new("model", "string", "Model name served at the configured base URL"),
            new("temperature", "number", "0 to 2")]),
        Order = 30,
        Section = OpenAiCompatibleOptions.Section,
        Settings = ["BaseUrl", "ApiKey"],
        IsConfigured = o => o.IsConfigured,
    };
}
