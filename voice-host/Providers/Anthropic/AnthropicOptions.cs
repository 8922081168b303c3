namespace VoiceAgents.VoiceHost.Providers.Anthropic;

/// <summary>Anthropic settings (section <c>Providers:Anthropic</c>).</summary>
public sealed class AnthropicOptions
{
    public const string Section = "Providers:Anthropic";
    public const string DefaultBaseUrl = "https://api.anthropic.com";

    /// <summary>Sent as <c>x-api-key</c>.</summary>
    public string? ApiKey { get; set; }

    /// <summary>The API root that <c>/v1/messages</c> is under.</summary>
    public string BaseUrl { get; set; } = DefaultBaseUrl;

    /// <summary>The model when the agent names none.</summary>
    public string Model { get; set; } = "claude-haiku-4-5";

    /// <summary>The Messages API requires a bound on the reply; spoken replies are short.</summary>
    public int MaxTokens { get; set; } = 1024;

    /// <summary>Longest wait for the first event, and between two events of the stream.</summary>
    [Positive] public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>Offer the model an <c>end_call</c> tool, so it can hang up (<see cref="LlmDelta.EndCall"/>).</summary>
    public bool EndCallTool { get; set; } = true;

    public bool IsConfigured => !string.IsNullOrWhiteSpace(ApiKey);
}
