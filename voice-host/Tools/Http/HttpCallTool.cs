using System.Text.Json;
using VoiceAgents.Core.Domain;
using VoiceAgents.VoiceHost.Pipeline;

namespace VoiceAgents.VoiceHost.Tools.Http;

/// <summary>One <c>http</c> tool of an agent: offered with its description and parameters, run by <see cref="HttpToolClient"/>.</summary>
public sealed class HttpCallTool : ICallTool
{
    /// <summary>What a tool without a schema takes: an object with anything in it.</summary>
    private static readonly JsonElement AnyObject = JsonDocument.Parse("""{"type":"object","properties":{}}""").RootElement;

    private readonly AgentTool _tool;
    private readonly HttpToolClient _client;

    public HttpCallTool(AgentTool tool, HttpToolClient client)
    {
        _tool = tool;
        _client = client;
        Definition = new ToolDefinition(tool.Name, tool.Description ?? "", Parameters(tool.ParametersJson));
    }

    public ToolDefinition Definition { get; }
    public string? SpeakWhileRunning => _tool.SpeakWhileRunning;
    public bool CancelOnBargeIn => _tool.CancelOnBargeIn;

    public Task<ToolResult> InvokeAsync(ToolInvocation invocation, CancellationToken ct) => _client.SendAsync(_tool, invocation, ct);

    private static JsonElement Parameters(string? json)
    {
        if (string.IsNullOrWhiteSpace(json)) return AnyObject;
        try
        {
            using var doc = JsonDocument.Parse(json);
            return doc.RootElement.ValueKind == JsonValueKind.Object ? doc.RootElement.Clone() : AnyObject;
        }
        catch (JsonException)
        {
            return AnyObject;
        }
    }
}
