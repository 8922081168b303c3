using System.Text.RegularExpressions;

namespace VoiceAgents.Core.Domain;

/// <summary>
/// What calls used, the figures tenants are billed on: speech-to-text audio seconds, LLM tokens in and out and
/// text-to-speech characters, each keyed by provider, and call minutes keyed by transport (<c>websocket</c>,
/// <c>twilio</c>). One call's in its message and call log; a day's sum in <see cref="AnalyticsDay.Usage"/>.
/// The <c>rules</c> responder's tokens are an estimate (characters / 4), since it is no language model.
/// </summary>
public sealed partial class CallUsage
{
    public Dictionary<string, double> SttAudioSeconds { get; set; } = [];
    public Dictionary<string, long> LlmTokensIn { get; set; } = [];
    public Dictionary<string, long> LlmTokensOut { get; set; } = [];
    public Dictionary<string, long> TtsCharacters { get; set; } = [];
    public Dictionary<string, double> CallMinutes { get; set; } = [];

    /// <summary>The figures, by name as stored and served, for code that handles them alike (sums, updates).</summary>
    public IEnumerable<(string Field, string Key, double Value)> Entries() =>
        SttAudioSeconds.Select(p => ("stt_audio_seconds", p.Key, p.Value))
            .Concat(LlmTokensIn.Select(p => ("llm_tokens_in", p.Key, (double)p.Value)))
            .Concat(LlmTokensOut.Select(p => ("llm_tokens_out", p.Key, (double)p.Value)))
            .Concat(TtsCharacters.Select(p => ("tts_characters", p.Key, (double)p.Value)))
            .Concat(CallMinutes.Select(p => ("call_minutes", p.Key, p.Value)));

    /// <summary>Adds <paramref name="value"/> to one figure, named as <see cref="Entries"/> names it.</summary>
    public void Add(string field, string key, double value)
    {
        switch (field)
        {
            case "stt_audio_seconds": SttAudioSeconds[key] = SttAudioSeconds.GetValueOrDefault(key) + value; break;
            case "llm_tokens_in": LlmTokensIn[key] = LlmTokensIn.GetValueOrDefault(key) + (long)value; break;
            case "llm_tokens_out": LlmTokensOut[key] = LlmTokensOut.GetValueOrDefault(key) + (long)value; break;
            case "tts_characters": TtsCharacters[key] = TtsCharacters.GetValueOrDefault(key) + (long)value; break;
            case "call_minutes": CallMinutes[key] = CallMinutes.GetValueOrDefault(key) + value; break;
            default: throw new ArgumentOutOfRangeException(nameof(field), field, "not a usage figure");
        }
    }

    public void Add(CallUsage other)
    {
        foreach (var (field, key, value) in other.Entries()) Add(field, key, value);
    }

    public bool IsEmpty => !Entries().Any();

    /// <summary>
    /// The figures a stored record may keep: positive, finite, under a provider or transport name of a few lowercase
    /// letters, digits, <c>_</c> and <c>-</c> (the names become parts of MongoDB field paths, where a <c>.</c> or a
    /// <c>$</c> would write elsewhere), seconds to the millisecond and minutes to four places. Sums are kept
    /// unrounded until here, so many small pieces of audio add up exactly.
    /// </summary>
    public CallUsage Sanitized()
    {
        var clean = new CallUsage();
        foreach (var (field, key, value) in Entries())
        {
            if (value > 0 && double.IsFinite(value) && KeyPattern().IsMatch(key)) clean.Add(field, key, Round(field, value));
        }
        return clean;
    }

    /// <summary>Whether a figure is a whole count (tokens, characters) rather than a quantity of time.</summary>
    public static bool IsCount(string field) => field is "llm_tokens_in" or "llm_tokens_out" or "tts_characters";

    /// <summary>A figure rounded as it is stored and served.</summary>
    public static double Round(string field, double value) => field switch
    {
        "stt_audio_seconds" => Math.Round(value, 3),
        "call_minutes" => Math.Round(value, 4),
        _ => value,
    };

    [GeneratedRegex("^[a-z0-9_-]{1,40}$")]
    private static partial Regex KeyPattern();
}
