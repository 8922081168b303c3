using System.Text;
using System.Text.Json;
using ModelContextProtocol;
using ModelContextProtocol.Protocol;
using VoiceAgents.Core.Domain;
using VoiceAgents.Core.Net;
using VoiceAgents.VoiceHost.Pipeline;

namespace VoiceAgents.VoiceHost.Tools.Mcp;

/// <summary>
/// One tool of an MCP server, as a call uses it: through the call's <see cref="McpSession"/> with the server, which
/// all the call's tools of that server share.
/// </summary>
public sealed class McpCallTool(McpSession session, AgentTool server, ToolDefinition definition, string serverToolName) : ICallTool
{
    public ToolDefinition Definition { get; } = definition;

    public string? SpeakWhileRunning => server.SpeakWhileRunning;

    public bool CancelOnBargeIn => server.CancelOnBargeIn;

    /// <summary>The tool's own name on its server.</summary>
    public string ServerToolName { get; } = serverToolName;

    public async Task<ToolResult> InvokeAsync(ToolInvocation invocation, CancellationToken ct)
    {
        Dictionary<string, object?> arguments;
        try
        {
            using var json = JsonDocument.Parse(string.IsNullOrWhiteSpace(invocation.ArgumentsJson) ? "{}" : invocation.ArgumentsJson);
            if (json.RootElement.ValueKind != JsonValueKind.Object) return ToolResult.Failed("the arguments must be a JSON object");
            arguments = json.RootElement.EnumerateObject().ToDictionary(p => p.Name, p => (object?)p.Value.Clone());
        }
        catch (JsonException)
        {
            return ToolResult.Failed("the arguments are not valid JSON");
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(server.TimeoutMs);
        try
        {
            var client = await session.ClientAsync(timeout.Token);
            try
            {
                return Result(await client.CallToolAsync(ServerToolName, arguments, cancellationToken: timeout.Token));
            }
            catch (Exception e) when (e is HttpRequestException or IOException)
            {
                session.Drop(client);
                throw;
            }
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            return ToolResult.Failed($"the tool did not answer within {server.TimeoutMs} ms");
        }
        catch (Exception e) when (e is McpException or HttpRequestException or TargetRefusedException or IOException or JsonException)
        {
            return ToolResult.Failed($"the tool's server failed: {e.Message}");
        }
    }

    /// <summary>
    /// The server's answer as the model sees it: its structured content when it gave some, else its text (JSON text
    /// as JSON, other text as a string); <c>isError</c> becomes an error with that text.
    /// </summary>
    private static ToolResult Result(CallToolResult result)
    {
        var text = string.Join("\n", result.Content.OfType<TextContentBlock>().Select(b => b.Text));
        if (result.IsError == true) return ToolResult.Failed(text.Length > 0 ? text : "the tool failed");
        JsonElement value;
        if (result.StructuredContent is { } structured)
        {
            value = JsonSerializer.SerializeToElement(structured);
        }
        else
        {
            value = ParsesAsJson(text, out var json) ? json : JsonSerializer.SerializeToElement(text);
        }
        var size = Encoding.UTF8.GetByteCount(value.GetRawText());
        return size <= AgentToolTypes.MaxResultBytes
            ? new ToolResult(value)
            : ToolResult.Failed($"the tool's answer is {size} bytes, more than the {AgentToolTypes.MaxResultBytes} allowed");
    }

    private static bool ParsesAsJson(string text, out JsonElement json)
    {
        json = default;
        var trimmed = text.TrimStart();
        if (trimmed.Length == 0 || (trimmed[0] != '{' && trimmed[0] != '[')) return false;
        try
        {
            using var document = JsonDocument.Parse(text);
            json = document.RootElement.Clone();
            return true;
        }
        catch (JsonException)
        {
            return false;
        }
    }
}
