namespace VoiceAgents.Functions.Analysis;

/// <summary>
/// A vendor's platform key and endpoint for analysis, read from the sections voice-host reads
/// (<c>Providers:OpenAI</c>, <c>Providers:Anthropic</c>, <c>Providers:OpenAICompatible</c>), so one setting serves
/// the calls and their analysis. A tenant's own key for the provider is used first.
/// </summary>
public sealed class AnalysisVendorOptions
{
    public string? ApiKey { get; set; }

    /// <summary>The API root (<c>https://api.openai.com/v1</c>, <c>https://api.anthropic.com</c>).</summary>
    public string? BaseUrl { get; set; }

    /// <summary>The model when neither the agent's analysis nor its LLM names one.</summary>
    public string? Model { get; set; }
}
