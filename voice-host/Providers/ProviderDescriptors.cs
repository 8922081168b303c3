using System.Reflection;

namespace VoiceAgents.VoiceHost.Providers;

/// <summary>Every provider voice-host has: the descriptor of each <see cref="IDescribedProvider"/> in this assembly.</summary>
public static class ProviderDescriptors
{
    /// <summary>By kind, then in registry order.</summary>
    public static IReadOnlyList<ProviderDescriptor> All { get; } = Find();

    public static IEnumerable<ProviderDescriptor> Of(ProviderKind kind) => All.Where(d => d.Kind == kind);

    private static List<ProviderDescriptor> Find()
    {
        var all = typeof(IDescribedProvider).Assembly.GetTypes()
            .Where(t => t is { IsClass: true, IsAbstract: false } && t.IsAssignableTo(typeof(IDescribedProvider)))
            .Select(t => (ProviderDescriptor)t.GetProperty(nameof(IDescribedProvider.Descriptor), BindingFlags.Public | BindingFlags.Static)!.GetValue(null)!)
            .OrderBy(d => d.Kind).ThenBy(d => d.Order).ThenBy(d => d.Name, StringComparer.Ordinal)
            .ToList();
        var twice = all.GroupBy(d => d.Key).FirstOrDefault(g => g.Count() > 1);
        if (twice is not null) throw new InvalidOperationException($"Two providers are named {twice.Key}.");
        return all;
    }
}
