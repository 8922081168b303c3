namespace VoiceAgents.Core.Domain;

/// <summary>
/// When the caller's turn ends. <see cref="Fixed"/> waits the same silence after every turn (<see cref="WaitMs"/>,
/// else the platform's <c>TurnEndSeconds</c>). <see cref="Adaptive"/> reads the interim transcript: when it has
/// settled and does not end on a word that carries on (<see cref="HoldWords"/>: a hesitation, a conjunction, an
/// article, a number being spoken), the turn ends after <see cref="ShortWaitMs"/>; when it does, after
/// <see cref="LongWaitMs"/>; with no interim transcript at all (an STT that gives none), after the fixed wait. A null
/// property means the platform's default.
/// </summary>
public sealed class TurnSettings
{
    public const string Fixed = "fixed";
    public const string Adaptive = "adaptive";
    public const int MinWaitMs = 500;
    public const int MaxWaitMs = 3_000;
    public const int DefaultShortWaitMs = 300;
    public const int DefaultLongWaitMs = 1_500;
    public const int MinShortWaitMs = 100;

    /// <summary><see cref="Fixed"/> (the default) or <see cref="Adaptive"/>.</summary>
    public string? Mode { get; set; }

    /// <summary>The fixed silence wait, 500 to 3,000 ms; null means the platform's (800 ms).</summary>
    public int? WaitMs { get; set; }

    /// <summary>Adaptive: the wait after a transcript that reads as complete (default 300 ms).</summary>
    public int? ShortWaitMs { get; set; }

    /// <summary>Adaptive: the wait after a transcript that ends on a hold word (default 1,500 ms).</summary>
    public int? LongWaitMs { get; set; }

    /// <summary>Adaptive: words after which the caller is taken to go on; null means the agent's language's list.</summary>
    public List<string>? HoldWords { get; set; }

    public bool IsAdaptive => string.Equals(Mode, Adaptive, StringComparison.OrdinalIgnoreCase);
    public int EffectiveShortWaitMs => ShortWaitMs ?? DefaultShortWaitMs;
    public int EffectiveLongWaitMs => LongWaitMs ?? DefaultLongWaitMs;
}
