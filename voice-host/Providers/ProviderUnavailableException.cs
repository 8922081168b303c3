namespace VoiceAgents.VoiceHost.Providers;

/// <summary>No provider of a kind could serve: the primary failed (or its breaker is open) and there is no working fallback.</summary>
public sealed class ProviderUnavailableException(string kind, Exception? inner = null)
    : Exception($"No {kind} provider is available.", inner)
{
    public string Kind { get; } = kind;
}
