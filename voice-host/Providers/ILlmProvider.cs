namespace VoiceAgents.VoiceHost.Providers;

/// <summary>A language model streaming its reply to the conversation so far.</summary>
public interface ILlmProvider
{
    string Name { get; }
    IAsyncEnumerable<LlmDelta> StreamAsync(LlmRequest request, CancellationToken ct);
}
