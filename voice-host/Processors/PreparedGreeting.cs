using System.Threading.Channels;
using VoiceAgents.VoiceHost.Audio;

namespace VoiceAgents.VoiceHost.Processors;

/// <summary>
/// A call's first message, rendered once at setup, with the audio of its first piece (<see cref="SpeechText.Pieces"/>)
/// being made while the call is set up, or taken from <c>GreetingAudio</c>'s cache. The TTS stage plays that audio in
/// place of synthesizing the piece, once, chunk by chunk as it is made: everything after it (the output's pacing, the
/// recording, a barge-in, the transcript) is as for any sentence.
/// </summary>
public sealed class PreparedGreeting
{
    private readonly Channel<AudioChunk> _audio = Channel.CreateUnbounded<AudioChunk>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
    private int _taken;

    public PreparedGreeting(string text, string firstPiece)
    {
        Text = text;
        FirstPiece = firstPiece;
    }

    /// <summary>A greeting whose audio is <paramref name="cached"/>, with no synthesis for this call.</summary>
    public static PreparedGreeting Cached(string text, string firstPiece, GreetingPiece cached)
    {
        var greeting = new PreparedGreeting(text, firstPiece) { FromCache = true, Audio = Task.FromResult<GreetingPiece?>(cached) };
        foreach (var chunk in cached.Chunks) greeting.Writer.TryWrite(chunk);
        greeting.Writer.TryComplete();
        return greeting;
    }

    /// <summary>The first message rendered over the call's variables.</summary>
    public string Text { get; }

    /// <summary>The piece whose audio is prepared.</summary>
    public string FirstPiece { get; }

    /// <summary>Whether the audio came from the cache, with no synthesis for this call.</summary>
    public bool FromCache { get; private init; }

    /// <summary>Completes with the whole piece's audio once made, or null when its synthesis failed or was stopped.</summary>
    public Task<GreetingPiece?> Audio { get; internal set; } = Task.FromResult<GreetingPiece?>(null);

    /// <summary>Where the synthesis puts each chunk as it is made; completed (with the error, if it failed) at its end.</summary>
    internal ChannelWriter<AudioChunk> Writer => _audio.Writer;

    /// <summary>The prepared audio, chunk by chunk as it is made, when <paramref name="piece"/> is the prepared one and nobody took it yet; else null.</summary>
    public ChannelReader<AudioChunk>? TryTake(string piece) =>
        piece == FirstPiece && Interlocked.Exchange(ref _taken, 1) == 0 ? _audio.Reader : null;
}
