using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;
using VoiceAgents.VoiceHost.Audio;
using VoiceAgents.VoiceHost.Configuration;
using VoiceAgents.VoiceHost.Metrics;
using VoiceAgents.VoiceHost.Processors;
using VoiceAgents.VoiceHost.Providers;

namespace VoiceAgents.VoiceHost.Calls;

/// <summary>
/// Gets a call's first words ready before it says <c>ready</c>: the first message is rendered at setup and the audio
/// of its first piece synthesized in parallel with the rest of the setup, or taken from a cache of the pieces already
/// made. The cache is keyed by agent, TTS provider, voice, speed, language and the piece's exact text, so only
/// greetings that render to the same words share audio (a first message is a Liquid template over the call's
/// variables); it is bounded by <see cref="VoiceOptions.GreetingCacheMegabytes"/> of audio, least recently used out
/// first, and an entry unused for an hour lapses. Only the first piece is kept: it is what the caller waits for, and
/// the rest of a long greeting is synthesized while the first is played, as for any sentence.
/// </summary>
public sealed partial class GreetingAudio : IDisposable
{
    /// <summary>How long a cached greeting unused by any call stays.</summary>
    public static readonly TimeSpan Unused = TimeSpan.FromHours(1);

    private readonly MemoryCache? _cache;
    private readonly VoiceMetrics _metrics;
    private readonly ILogger<GreetingAudio> _log;
    private long _syntheses;

    public GreetingAudio(IOptions<VoiceOptions> options, TimeProvider time, VoiceMetrics metrics, ILogger<GreetingAudio> log)
    {
        _metrics = metrics;
        _log = log;
        var bytes = options.Value.GreetingCacheMegabytes * 1024L * 1024L;
        if (bytes > 0) _cache = new MemoryCache(new MemoryCacheOptions { SizeLimit = bytes, Clock = new TimeProviderClock(time) });
    }

    /// <summary>Greeting pieces synthesized since the start (a cached one is not), for tests and benchmarks.</summary>
    public long Syntheses => Interlocked.Read(ref _syntheses);

    /// <summary>
    /// The call's rendered first message and its first piece's audio, under way or cached; null when the agent has no
    /// first message. <paramref name="callEnded"/> stops a synthesis the call will not play.
    /// </summary>
    public PreparedGreeting? Prepare(CallContext call, ITtsProvider tts, CancellationToken callEnded)
    {
        var text = CallTemplateModel.Render(call, call.Agent.FirstMessage);
        if (text.Length == 0 || SpeechText.Pieces(text).FirstOrDefault() is not { } piece) return null;
        var config = call.Agent.Tts;
        var key = new Key(call.Agent.Id, config.Provider, config.Voice, config.Speed, call.Agent.Language, piece);
        if (_cache?.Get<GreetingPiece>(key) is { } cached) return PreparedGreeting.Cached(text, piece, cached);
        Interlocked.Increment(ref _syntheses);
        var greeting = new PreparedGreeting(text, piece);
        greeting.Audio = SynthesizeAsync(call, tts, key, greeting, callEnded);
        return greeting;
    }

    /// <summary>Passes each chunk on to the call as it is made, and keeps the whole piece for the cache.</summary>
    private async Task<GreetingPiece?> SynthesizeAsync(CallContext call, ITtsProvider tts, Key key, PreparedGreeting greeting, CancellationToken ct)
    {
        // Off the caller's setup path: the socket handler goes on building the call while the first audio is made.
        await Task.Yield();
        var chunks = new List<AudioChunk>();
        _metrics.TtsStarted();
        try
        {
            await foreach (var made in tts.SynthesizeAsync(key.Piece, call.Agent.Tts, call.Agent.Language, ct))
            {
                // A provider may reuse its buffers: the piece outlives the enumeration.
                var chunk = new AudioChunk(made.Samples.ToArray(), made.SampleRate);
                chunks.Add(chunk);
                greeting.Writer.TryWrite(chunk);
            }
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // The TTS stage synthesizes the piece itself if nothing was played yet, else reports the failure as for any sentence.
            LogNotPrepared(e, call.CallId);
            if (chunks.Count > 0) Bill(call, tts, key);
            greeting.Writer.TryComplete(e);
            return null;
        }
        finally
        {
            _metrics.TtsEnded();
        }
        var served = Bill(call, tts, key);
        greeting.Writer.TryComplete();
        var piece = new GreetingPiece(chunks);
        // A fallback vendor's voice is not the agent's: not kept for later calls.
        if (_cache is not null && chunks.Count > 0 && served == key.Provider)
        {
            _cache.Set(key, piece, new MemoryCacheEntryOptions { Size = Math.Max(1, piece.Bytes), SlidingExpiration = Unused });
        }
        return piece;
    }

    /// <summary>
    /// Vendors bill each request's characters whether or not its audio is played: this call's usage, against the
    /// vendor that answered (the agent's, or its fallback). A greeting from the cache costs nothing.
    /// </summary>
    private static string Bill(CallContext call, ITtsProvider tts, Key key)
    {
        var served = IServingProvider.Of(tts, tts.Name);
        call.Usage.TtsCharacters(served, key.Piece.Length);
        return served;
    }

    private sealed record Key(string AgentId, string Provider, string? Voice, double? Speed, string Language, string Piece);

    [LoggerMessage(Level = LogLevel.Information, Message = "The greeting of call {CallId} was not prepared; its TTS stage synthesizes it")]
    private partial void LogNotPrepared(Exception e, string callId);

    public void Dispose() => _cache?.Dispose();
}
