namespace VoiceAgents.Core.Domain;

/// <summary>
/// A tool an agent may call. <see cref="AgentToolTypes.Http"/>: the platform sends the arguments to <see cref="Url"/>,
/// signed with <see cref="Secret"/> as webhooks are, and the JSON answer is the result. <see cref="AgentToolTypes.Mcp"/>:
/// every tool of the Model Context Protocol server at <see cref="Url"/>, named <c>{Name}_{tool}</c>.
/// </summary>
public sealed class AgentTool
{
    public required string Type { get; set; }
    /// <summary>Unique within the agent: letters, digits, <c>_</c> and <c>-</c>, as LLM vendors accept.</summary>
    public required string Name { get; set; }
    public string? Description { get; set; }
    /// <summary>The arguments' JSON Schema (an object schema), kept as JSON text: schema keywords such as <c>$ref</c> are not field names MongoDB stores well.</summary>
    public string? ParametersJson { get; set; }
    public required string Url { get; set; }
    /// <summary>HTTP tools: POST (default) or another method.</summary>
    public string Method { get; set; } = "POST";
    public int TimeoutMs { get; set; } = AgentToolTypes.DefaultTimeoutMs;
    /// <summary>Said once when the tool runs longer than the threshold, so the line is never silent.</summary>
    public string? SpeakWhileRunning { get; set; }
    /// <summary>A barge-in cancels a run in flight (the model hears it was cancelled); by default it finishes and its result is kept.</summary>
    public bool CancelOnBargeIn { get; set; }
    /// <summary>HTTP tools: the signing secret, generated on create, returned once, write-only after.</summary>
    public string? Secret { get; set; }
    /// <summary>MCP tools: headers sent to the server (for example its authorization).</summary>
    public Dictionary<string, string> Headers { get; set; } = [];
}

public static class AgentToolTypes
{
    public const string Http = "http";
    public const string Mcp = "mcp";
    public static readonly string[] All = [Http, Mcp];
    public const int DefaultTimeoutMs = 5000;
    public const int MaxTimeoutMs = 30000;
    /// <summary>The largest tool answer the LLM sees; a longer one is an error.</summary>
    public const int MaxResultBytes = 16 * 1024;
    /// <summary>Built-in tools every agent has.</summary>
    public const string EndCall = "end_call";
    public const string TransferCall = "transfer_call";
}
