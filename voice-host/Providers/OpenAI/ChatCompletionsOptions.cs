namespace VoiceAgents.VoiceHost.Providers.OpenAI;

/// <summary>Settings shared by the providers that speak OpenAI's chat-completions API.</summary>
public abstract class ChatCompletionsOptions
{
    /// <summary>The API key, sent as <c>Authorization: Bearer</c>.</summary>
    public string? ApiKey { get; set; }

    /// <summary>The API root that <c>/chat/completions</c> is under (for OpenAI <c>https://api.openai.com/v1</c>).</summary>
    public string? BaseUrl { get; set; }

    /// <summary>The model when the agent names none.</summary>
    public string Model { get; set; } = "";

    /// <summary>Longest wait for the first token, and between two pieces of the stream.</summary>
    [Positive] public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>Offer the model an <c>end_call</c> function, so it can hang up (<see cref="LlmDelta.EndCall"/>).</summary>
    public bool EndCallTool { get; set; } = true;

    /// <summary>Upper bound on the reply's tokens; unset leaves the vendor's default.</summary>
    public int? MaxTokens { get; set; }
}
