using System.Text.Json;
using System.Text.Json.Nodes;
using VoiceAgents.Core.Domain;
using VoiceAgents.VoiceHost.Pipeline;

namespace VoiceAgents.VoiceHost.Tools.Transfer;

/// <summary>
/// <c>transfer_call(destination)</c>: on a phone call it asks for the hand-off and answers the destination's line
/// (<c>message</c>) for the agent to say; the call then ends (<see cref="ToolResult.EndsCall"/>) and is redirected
/// there with reason <c>transferred</c>. In the browser, or without a telephony account, it answers an error the
/// agent can say instead.
/// </summary>
public sealed class TransferCallTool : ICallTool
{
    public const string Name = "transfer_call";
    public const string DefaultMessage = "Transferring you now.";
    private readonly IReadOnlyList<TransferDestination> _destinations;
    private readonly bool _telephony;

    public TransferCallTool(IReadOnlyList<TransferDestination> destinations, bool telephony)
    {
        _destinations = destinations;
        _telephony = telephony;
        var names = new JsonArray(destinations.Select(d => (JsonNode?)JsonValue.Create(d.Name)).ToArray());
        var described = string.Join("; ", destinations.Select(d => d.Description is { Length: > 0 } about ? $"{d.Name}: {about}" : d.Name));
        var schema = new JsonObject
        {
            ["type"] = "object",
            ["properties"] = new JsonObject
            {
                ["destination"] = new JsonObject { ["type"] = "string", ["enum"] = names, ["description"] = "Who to hand the caller to." },
            },
            ["required"] = new JsonArray("destination"),
            ["additionalProperties"] = false,
        };
        Definition = new ToolDefinition(Name,
            $"Hand the caller over to a person or line, ending your part of the call. Say the result's message first. Destinations: {described}.",
            JsonSerializer.SerializeToElement(schema));
    }

    public ToolDefinition Definition { get; }

    public string? SpeakWhileRunning => null;

    public Task<ToolResult> InvokeAsync(ToolInvocation invocation, CancellationToken ct)
    {
        var call = invocation.Call;
        var name = DestinationName(invocation.ArgumentsJson);
        var destination = _destinations.FirstOrDefault(d => string.Equals(d.Name, name, StringComparison.Ordinal))
            ?? _destinations.FirstOrDefault(d => string.Equals(d.Name, name, StringComparison.OrdinalIgnoreCase));
        if (destination is null)
        {
            return Task.FromResult(ToolResult.Failed($"unknown destination '{name}'; choose one of: {string.Join(", ", _destinations.Select(d => d.Name))}"));
        }
        if (call.ProviderCallId is null)
        {
            return Task.FromResult(ToolResult.Failed("this is a browser call, which cannot be transferred; offer the caller the number or another way to reach them"));
        }
        if (!_telephony)
        {
            return Task.FromResult(ToolResult.Failed("transfers are not available right now; offer the caller another way to reach them"));
        }
        if (!call.RequestTransfer(destination) && call.PendingTransfer != destination)
        {
            return Task.FromResult(ToolResult.Failed($"the call is already being transferred to {call.PendingTransfer!.Name}"));
        }
        var message = destination.Message is { Length: > 0 } m ? m : DefaultMessage;
        var result = JsonSerializer.SerializeToElement(new Dictionary<string, string> { ["transferring_to"] = destination.Name, ["message"] = message });
        return Task.FromResult(new ToolResult(result) { EndsCall = true });
    }

    private static string DestinationName(string argumentsJson)
    {
        try
        {
            using var doc = JsonDocument.Parse(string.IsNullOrWhiteSpace(argumentsJson) ? "{}" : argumentsJson);
            return doc.RootElement.ValueKind == JsonValueKind.Object && doc.RootElement.TryGetProperty("destination", out var d) && d.ValueKind == JsonValueKind.String
                ? d.GetString()!
                : "";
        }
        catch (JsonException)
        {
            return "";
        }
    }
}
