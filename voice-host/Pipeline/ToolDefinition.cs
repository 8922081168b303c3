using System.Text.Json;

namespace VoiceAgents.VoiceHost.Pipeline;

/// <summary>A tool offered to the model: its name, what it does, and its arguments' JSON Schema (an object schema).</summary>
public sealed record ToolDefinition(string Name, string Description, JsonElement Parameters);
