using VoiceAgents.Core.Domain;
using VoiceAgents.VoiceHost.Configuration;

namespace VoiceAgents.VoiceHost.Processors;

/// <summary>
/// Decides when a caller's pause ends their turn (the agent's <see cref="TurnSettings"/>). Fixed: after the same
/// silence every time. Adaptive: the interim transcript of the turn so far decides; once it has heard the end of the
/// caller's speech (when the STT says how much it has heard), has not changed for <see cref="StableFor"/> and its
/// last word does not hold (<see cref="HoldWords"/>), the short wait ends the turn; a last word that holds, or an STT
/// still behind the speech, waits the long one; a turn with no interim transcript at all waits the fixed silence.
/// Not thread-safe: <see cref="TurnProcessor"/> calls it from its system lane only.
/// </summary>
public sealed class TurnEndPolicy
{
    /// <summary>How long an interim transcript must stay the same to be taken as what the caller said: an STT that lags may yet add the word that holds.</summary>
    public static readonly TimeSpan StableFor = TimeSpan.FromMilliseconds(150);

    private readonly TimeSpan _fixed;
    private readonly TimeSpan _short;
    private readonly TimeSpan _long;
    private readonly bool _adaptive;
    private readonly HashSet<string> _holds;
    private string? _interim;
    private DateTimeOffset _interimChangedAt;
    // Whether the interim has heard the end of the latest speech: null when the STT does not say.
    private bool? _heard;

    public TurnEndPolicy(Agent agent, VoiceOptions options)
    {
        var turn = agent.Turn ?? new TurnSettings();
        _adaptive = turn.IsAdaptive;
        _fixed = FixedWait(agent, options);
        _short = TimeSpan.FromMilliseconds(turn.EffectiveShortWaitMs);
        _long = TimeSpan.FromMilliseconds(Math.Max(turn.EffectiveLongWaitMs, turn.EffectiveShortWaitMs));
        _holds = new HashSet<string>((turn.HoldWords ?? HoldWords.For(agent.Stt.Language ?? agent.Language)).SelectMany(Backchannels.Words), StringComparer.Ordinal);
    }

    /// <summary>The silence that ends a fixed turn (and an adaptive one with no interim transcript).</summary>
    public static TimeSpan FixedWait(Agent agent, VoiceOptions options) =>
        agent.Turn?.WaitMs is { } wait ? TimeSpan.FromMilliseconds(wait) : TimeSpan.FromSeconds(options.TurnEndSeconds);

    /// <summary>Whether <paramref name="silence"/> since the speech stopped ends the turn at <paramref name="now"/>.</summary>
    public bool Ends(TimeSpan silence, DateTimeOffset now)
    {
        if (!_adaptive || _interim is not { } text || Backchannels.Words(text) is not { Length: > 0 } words) return silence >= _fixed;
        if (silence >= _long) return true;
        // A transcript still changing may yet end on a word that holds (an STT lags the audio).
        return silence >= _short && _heard != false && !Holds(words[^1]) && now - _interimChangedAt >= StableFor;
    }

    /// <summary>What the caller seems to have said so far in this turn, and whether that has heard the end of their latest speech (null: the STT does not say).</summary>
    public void Interim(string text, DateTimeOffset at, bool? heardSpeechEnd = null)
    {
        _heard = heardSpeechEnd;
        if (text == _interim) return;
        _interim = text;
        _interimChangedAt = at;
    }

    /// <summary>The caller started or stopped speaking again: a transcript that had heard the speech's end has not heard this one's.</summary>
    public void SpeechMoved()
    {
        if (_heard == true) _heard = false;
    }

    /// <summary>The turn ended: the next starts with no transcript.</summary>
    public void Reset()
    {
        _interim = null;
        _heard = null;
    }

    private bool Holds(string word) => _holds.Contains(word) || word.Any(char.IsDigit);
}
