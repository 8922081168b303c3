namespace VoiceAgents.Core.Domain;

/// <summary>
/// When the caller's speech interrupts the agent. Speech while the agent talks interrupts once it has lasted
/// <see cref="MinDurationMs"/>; with <see cref="MinWords"/> above zero or any <see cref="Backchannels"/>, it also waits
/// for the caller's words, and interrupts only when they are at least <see cref="MinWords"/> and not only a
/// backchannel ("okay", "uh huh"), which never interrupts nor becomes a turn. An interruption that brings no words
/// (a cough, a door) is false: <see cref="ResumeAfterMs"/> after the caller's turn ends, the agent says the rest of
/// the sentence it was cut in. A null property means the platform's default.
/// </summary>
public sealed class InterruptionSettings
{
    public const int DefaultMinDurationMs = 200;
    public const int DefaultResumeAfterMs = 1_000;

    /// <summary>Backchannels when an agent sets none: said by a listener, not meant to take the turn.</summary>
    public static readonly IReadOnlyList<string> DefaultBackchannels = ["uh huh", "mm-hmm", "mhm", "okay", "ok", "yeah", "right"];

    /// <summary>Words the caller must say before the agent stops; 0 (the default) needs none beyond not being a backchannel.</summary>
    public int? MinWords { get; set; }

    /// <summary>Speech the caller must make before the agent stops (default 200 ms, the VAD's own start).</summary>
    public int? MinDurationMs { get; set; }

    /// <summary>Phrases that never interrupt, alone or repeated; null means <see cref="DefaultBackchannels"/>, empty turns it off.</summary>
    public List<string>? Backchannels { get; set; }

    /// <summary>How long after a wordless interruption's turn the cut sentence resumes (default 1,000 ms); 0 turns it off.</summary>
    public int? ResumeAfterMs { get; set; }

    public int EffectiveMinWords => MinWords ?? 0;
    public int EffectiveMinDurationMs => MinDurationMs ?? DefaultMinDurationMs;
    public IReadOnlyList<string> EffectiveBackchannels => Backchannels ?? DefaultBackchannels;
    public int EffectiveResumeAfterMs => ResumeAfterMs ?? DefaultResumeAfterMs;

    /// <summary>Whether an interruption waits for the caller's words (speech alone is not enough).</summary>
    public bool NeedsWords => EffectiveMinWords > 0 || EffectiveBackchannels.Count > 0;
}
