namespace VoiceAgents.Core.Providers;

/// <summary>A provider as <c>GET /providers</c> lists it and agent validation checks it: its name, label and options.</summary>
public sealed record ProviderInfo(string Name, string Label, bool Offline, IReadOnlyList<ProviderOption> Options)
{
    public ProviderOption? Option(string name) => Options.FirstOrDefault(o => o.Name == name);
}
