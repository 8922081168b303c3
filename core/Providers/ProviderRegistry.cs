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

public sealed record ProviderInfo(string Name, string Label, bool Offline, IReadOnlyList<ProviderOption> Options)
{
    public ProviderOption? Option(string name) => Options.FirstOrDefault(o => o.Name == name);
}

/// <summary>The providers an agent may use, per kind. Served at <c>GET /providers</c> and used to validate agents.</summary>
public static class ProviderRegistry
{
    public static readonly IReadOnlyList<ProviderInfo> Llm =
    [
        new("openai", "OpenAI", false, [
            new("model", "string", "Chat model", ["gpt-4o-mini", "gpt-4o", "gpt-4.1-mini", "gpt-4.1"]),
            new("temperature", "number", "0 to 2")]),
        new("anthropic", "Anthropic", false, [
            new("model", "string", "Messages model", ["claude-3-5-haiku-latest", "claude-sonnet-4-5", "claude-haiku-4-5"]),
            new("temperature", "number", "0 to 1")]),
        new("openai_compatible", "OpenAI-compatible (llama.cpp, vLLM, Ollama)", false, [
            new("model", "string", "Model name served at the configured base URL"),
            new("temperature", "number", "0 to 2")]),
        new("rules", "Rule-based responder (offline, deterministic; not a language model)", true, []),
    ];

    public static readonly IReadOnlyList<ProviderInfo> Stt =
    [
        new("deepgram", "Deepgram (streaming)", false, [new("language", "string", "BCP-47; a bare language takes its first listed region", ["en-US", "en-IN", "hi", "es", "fr", "de"], Regions: true)]),
        new("google", "Google Speech-to-Text", false, [new("language", "string", "BCP-47; a bare language takes its first listed region", ["en-US", "en-IN", "hi-IN", "ta-IN"], Regions: true)]),
        new("ai4bharat", "AI4Bharat IndicConformer (self-hosted)", false, [new("language", "string", "ISO 639-1", ["hi", "ta", "te", "bn", "mr", "kn", "ml", "gu"])]),
        new("local", "PocketSphinx (offline)", true, [new("language", "string", "Only US English (en is taken as en-US)", ["en-US"], Closed: true, Regions: true)]),
    ];

    public static readonly IReadOnlyList<ProviderInfo> Tts =
    [
        new("cartesia", "Cartesia (streaming)", false, [
            new("voice", "string", "Cartesia voice id"),
            new("speed", "number", "0.5 to 2")]),
        new("google", "Google Text-to-Speech", false, [
            new("voice", "string", "Voice name", ["en-US-Neural2-F", "en-US-Neural2-D", "en-IN-Neural2-A", "hi-IN-Neural2-A"]),
            new("speed", "number", "0.5 to 2")]),
        new("ai4bharat", "AI4Bharat Indic TTS (self-hosted)", false, [
            new("voice", "string", "Speaker", ["female", "male"]),
            new("speed", "number", "0.5 to 2")]),
        new("local", "flite / espeak-ng (offline)", true, [
            new("voice", "string", "flite voice or espeak-ng:<voice>", ["slt", "kal16", "rms", "awb", "espeak-ng:en-us", "espeak-ng:en"], Closed: true),
            new("speed", "number", "0.5 to 2")]),
    ];

    public static ProviderInfo? Find(IReadOnlyList<ProviderInfo> kind, string? name) =>
        kind.FirstOrDefault(p => p.Name == name);
}
