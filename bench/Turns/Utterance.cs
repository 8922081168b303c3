namespace VoiceAgents.Bench.Turns;

/// <summary>Pieces of one utterance said with a pause between each two (<see cref="PauseMs"/>, one per gap).</summary>
internal sealed record Utterance(string[] Pieces, int[] PauseMs)
{
    public string Text => string.Join(' ', Pieces);
    public int Pauses => PauseMs.Length;

    public static Utterance Whole(string text) => new([text], []);
}
