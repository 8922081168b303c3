namespace VoiceAgents.VoiceHost.Processors;

/// <summary>
/// A call's first message, rendered once at setup, with the audio of its first piece (<see cref="SpeechText.Pieces"/>)
/// made while the call was being set up, or taken from <c>GreetingAudio</c>'s cache. The TTS stage plays that audio in
/// place of synthesizing the piece, once: everything after it (the output's pacing, the recording, a barge-in, the
/// transcript) is as for any sentence.
/// </summary>
public sealed class PreparedGreeting(string text, string firstPiece, Task<GreetingPiece?> audio, bool fromCache)
{
    private int _taken;

    /// <summary>The first message rendered over the call's variables.</summary>
    public string Text { get; } = text;

    /// <summary>The piece whose audio is prepared.</summary>
    public string FirstPiece { get; } = firstPiece;

    /// <summary>Whether the audio came from the cache, with no synthesis for this call.</summary>
    public bool FromCache { get; } = fromCache;

    /// <summary>Completes with the piece's audio, or null when its synthesis failed or was stopped (then the piece is synthesized as usual).</summary>
    public Task<GreetingPiece?> Audio { get; } = audio;

    /// <summary>The prepared audio when <paramref name="piece"/> is the prepared one and nobody took it yet; else null.</summary>
    public Task<GreetingPiece?>? TryTake(string piece) =>
        piece == FirstPiece && Interlocked.Exchange(ref _taken, 1) == 0 ? Audio : null;
}
