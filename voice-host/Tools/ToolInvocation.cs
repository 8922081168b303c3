using VoiceAgents.VoiceHost.Processors;

namespace VoiceAgents.VoiceHost.Tools;

/// <summary>One call of a tool: the call it is made in, the model's call id, and the arguments as JSON text.</summary>
public sealed record ToolInvocation(CallContext Call, string CallId, string ArgumentsJson);
