namespace VoiceAgents.VoiceHost.Providers;

/// <summary>
/// A provider with its <see cref="ProviderDescriptor"/>. Every provider is one: <see cref="ProviderDescriptors"/>
/// finds them all in this assembly, so a new provider is wired, listed and health-checked by declaring it here.
/// </summary>
public interface IDescribedProvider
{
    static abstract ProviderDescriptor Descriptor { get; }
}
