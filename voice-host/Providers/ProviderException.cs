namespace VoiceAgents.VoiceHost.Providers;

/// <summary>Thrown by a provider for a failure worth a retry or a fallback (network, 5xx, timeout, dropped stream).</summary>
public sealed class ProviderException(string provider, string message, Exception? inner = null)
    : Exception($"{provider}: {message}", inner)
{
    public string Provider { get; } = provider;
}
