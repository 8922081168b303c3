namespace VoiceAgents.VoiceHost.Providers;

/// <summary>
/// A provider that stands for a chain (the agent's provider, then its fallback): which of them served last, so
/// usage is counted against the vendor that did the work.
/// </summary>
public interface IServingProvider
{
    string Serving { get; }

    /// <summary>Who served for <paramref name="provider"/>: its chain's last vendor, else <paramref name="name"/>.</summary>
    static string Of(object provider, string name) => (provider as IServingProvider)?.Serving ?? name;
}
