namespace VoiceAgents.Core.Providers;

/// <summary>
/// The providers an agent may use, per kind. Served at <c>GET /providers</c> and used to validate agents.
/// The lists (ProviderRegistry.Generated.cs) are written from the descriptors beside each provider in
/// voice-host/Providers, the one place a provider is described: the Functions app does not reference voice-host, so
/// it reads this copy, which a test keeps identical to the descriptors.
/// </summary>
public static partial class ProviderRegistry
{
    public static ProviderInfo? Find(IReadOnlyList<ProviderInfo> kind, string? name) =>
        kind.FirstOrDefault(p => p.Name == name);
}
