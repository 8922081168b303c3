namespace VoiceAgents.VoiceHost.Providers.OpenAI;

/// <summary>
/// Settings of a self-hosted server with an OpenAI-style API (section <c>Providers:OpenAICompatible</c>):
/// llama.cpp's <c>llama-server</c>, vLLM and Ollama all serve <c>{BaseUrl}/chat/completions</c>, e.g. with
/// BaseUrl <c>http://127.0.0.1:8080/v1</c>. The key is optional.
/// </summary>
public sealed class OpenAiCompatibleOptions : ChatCompletionsOptions
{
    public const string Section = "Providers:OpenAICompatible";

    public OpenAiCompatibleOptions()
    {
        // llama-server serves whichever model it loaded and accepts any name.
        Model = "default";
        // Small self-hosted models rarely follow function definitions well, and some servers reject "tools".
        EndCallTool = false;
        Timeout = TimeSpan.FromSeconds(30);
    }

    public bool IsConfigured => !string.IsNullOrWhiteSpace(BaseUrl);
}
