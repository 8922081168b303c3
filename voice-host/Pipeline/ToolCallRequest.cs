namespace VoiceAgents.VoiceHost.Pipeline;

/// <summary>A tool call the model asked for, complete: the vendor's call id, the tool's name and its arguments as JSON text.</summary>
public sealed record ToolCallRequest(string Id, string Name, string ArgumentsJson);
