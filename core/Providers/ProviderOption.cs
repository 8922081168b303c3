namespace VoiceAgents.Core.Providers;

/// <summary>
/// One option a provider accepts, with its allowed values when they form a closed set. With <paramref name="Regions"/>
/// the values are BCP-47 tags and a bare language stands for its default region: the first value listed with it.
/// </summary>
public sealed record ProviderOption(string Name, string Type, string? Description = null, IReadOnlyList<string>? Values = null, bool Closed = false, bool Regions = false)
{
    /// <summary>
    /// The listed value <paramref name="value"/> names, as listed: itself in any case, or, for a bare language
    /// where <see cref="Regions"/>, its default region (<c>en</c> → <c>en-US</c>). Null when it names none.
    /// </summary>
    public string? Canonical(string value)
    {
        if (Values is null) return null;
        var listed = Values.FirstOrDefault(v => v.Equals(value, StringComparison.OrdinalIgnoreCase));
        if (listed is not null || !Regions || value.Contains('-', StringComparison.Ordinal)) return listed;
        return Values.FirstOrDefault(v => v.StartsWith(value + "-", StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>The accepted values in words, for an error: the listed ones and the bare languages that stand for one.</summary>
    public string Accepted()
    {
        var values = string.Join(", ", Values ?? []);
        var bare = Regions
            ? (Values ?? []).Where(v => v.Contains('-', StringComparison.Ordinal)).GroupBy(v => v.Split('-')[0], StringComparer.OrdinalIgnoreCase)
                .Where(g => Canonical(g.Key) == g.First()).Select(g => $"{g.Key} for {g.First()}").ToList()
            : [];
        return bare.Count == 0 ? values : $"{values} (or {string.Join(", ", bare)})";
    }
}
