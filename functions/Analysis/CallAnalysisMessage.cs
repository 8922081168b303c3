using System.Text.Json;
using VoiceAgents.Core.Json;

namespace VoiceAgents.Functions.Analysis;

/// <summary>
/// The <c>call-analysis</c> message: a stored call to analyse. Its call_id is the call log's, so the handler is
/// idempotent per call; <see cref="TraceParent"/> continues the call's trace.
/// </summary>
public sealed record CallAnalysisMessage(string CallId, string TenantId, string AgentId, string? TraceParent = null)
{
    public byte[] ToUtf8Json() => JsonSerializer.SerializeToUtf8Bytes(this, JsonDefaults.Options);
}
