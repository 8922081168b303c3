using VoiceAgents.VoiceHost.Audio;

namespace VoiceAgents.VoiceHost.Pipeline;

/// <summary>
/// Everything that flows through a pipeline is a frame. As in Pipecat: system frames jump the queue and are never
/// flushed; data and control frames keep their order and are flushed by an interruption, unless they are
/// <see cref="IUninterruptible"/>.
/// </summary>
public abstract record Frame;

public abstract record SystemFrame : Frame;

public abstract record DataFrame : Frame;

public abstract record ControlFrame : Frame;

/// <summary>A data or control frame that survives an interruption (the end of a call, a function result).</summary>
public interface IUninterruptible;

public enum FrameDirection
{
    Downstream,
    Upstream,
}

// ---- system frames ----

/// <summary>The first frame of every pipeline.</summary>
public sealed record StartFrame(int InputSampleRate, int OutputSampleRate) : SystemFrame;

/// <summary>Stops the pipeline at once, dropping whatever is queued.</summary>
public sealed record CancelFrame(string Reason) : SystemFrame;

/// <summary>Caller audio, PCM16 mono, at <see cref="AudioChunk.SampleRate"/>.</summary>
public sealed record InputAudioFrame(AudioChunk Audio) : SystemFrame;

/// <summary>The VAD heard speech start (after its minimum speech duration) or stop.</summary>
public sealed record VadSpeechStartedFrame(DateTimeOffset At) : SystemFrame;

public sealed record VadSpeechStoppedFrame(DateTimeOffset At) : SystemFrame;

/// <summary>The user's turn began; emitted by turn detection.</summary>
public sealed record UserStartedSpeakingFrame(DateTimeOffset At) : SystemFrame;

/// <summary>The user's turn ended: speech and then the configured silence.</summary>
public sealed record UserStoppedSpeakingFrame(DateTimeOffset SpeechEndedAt, DateTimeOffset At) : SystemFrame;

/// <summary>The user barged in: everything the bot was about to say is dropped.</summary>
public sealed record InterruptionFrame(DateTimeOffset At) : SystemFrame;

public sealed record BotStartedSpeakingFrame(DateTimeOffset At) : SystemFrame;

public sealed record BotStoppedSpeakingFrame(DateTimeOffset At) : SystemFrame;

/// <summary>Interim transcript; informational only.</summary>
public sealed record InterimTranscriptionFrame(string Text) : SystemFrame;

/// <summary>A turn's latencies, sent to the client, the log and the call record.</summary>
public sealed record MetricsFrame(TurnMetricsReport Report) : SystemFrame;

/// <summary>A non-fatal or fatal error to report to the client.</summary>
public sealed record ErrorFrame(string Message, bool Fatal = false) : SystemFrame;

// ---- data frames ----

/// <summary>A final user transcript for one turn.</summary>
public sealed record TranscriptionFrame(string Text, DateTimeOffset At) : DataFrame;

/// <summary>Asks the LLM for a reply to the conversation so far.</summary>
public sealed record LlmRunFrame(IReadOnlyList<ChatMessage> Messages) : DataFrame;

/// <summary>A piece of the LLM's streamed reply.</summary>
public sealed record LlmTextFrame(string Text) : DataFrame;

/// <summary>A complete sentence to speak. <see cref="Id"/> ties its audio back to its text.</summary>
public sealed record TextFrame(string Text, long Id) : DataFrame;

/// <summary>Synthesized speech for sentence <see cref="SentenceId"/>, at the output sample rate.</summary>
public sealed record TtsAudioFrame(AudioChunk Audio, long SentenceId) : DataFrame;

// ---- control frames ----

public sealed record LlmResponseStartFrame : ControlFrame;

public sealed record LlmResponseEndFrame : ControlFrame;

/// <summary>
/// Audio for sentence <see cref="SentenceId"/> follows; the output learns its text before its audio, and through
/// <see cref="Progress"/> how much audio the TTS has produced so far, to tell how much of it a caller heard.
/// </summary>
public sealed record TtsSentenceStartFrame(long SentenceId, string Text, SentenceAudio Progress) : ControlFrame;

/// <summary>How many samples of a sentence the TTS has queued, and whether it has finished.</summary>
public sealed class SentenceAudio
{
    private int _samples;
    private volatile bool _complete;

    public int Samples => Volatile.Read(ref _samples);
    public bool Complete => _complete;
    public void Add(int samples) => Interlocked.Add(ref _samples, samples);
    public void Finish() => _complete = true;
}

/// <summary>All audio of a sentence has been queued; lets the output know the sentence is complete.</summary>
public sealed record TtsSentenceEndFrame(long SentenceId, string Text, int TotalSamples) : ControlFrame;

/// <summary>Ends the call after everything queued before it has been played.</summary>
public sealed record EndFrame(string Reason) : ControlFrame, IUninterruptible;

/// <summary>Text the bot actually spoke (all of a sentence, or the part played before an interruption).</summary>
public sealed record SpokenTextFrame(string Text, bool Interrupted) : SystemFrame;

public sealed record ChatMessage(string Role, string Content)
{
    public const string System = "system";
    public const string User = "user";
    public const string Assistant = "assistant";
}

/// <summary>One turn's latencies in milliseconds; null where a stage did not run.</summary>
public sealed record TurnMetricsReport(int Turn, double? VoiceToVoiceMs, double? SttMs, double? LlmTtftMs, double? TtsTtfbMs);
