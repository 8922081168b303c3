namespace VoiceAgents.VoiceHost.Pipeline;

/// <summary>What the pipeline sends to the caller: JSON events and reply audio. One per call, written by one writer.</summary>
public interface IClientEvents
{
    /// <summary>Queues a JSON event such as <c>{type:"transcript", ...}</c>.</summary>
    void Send(ClientEvent e);

    /// <summary>Sends reply audio, PCM16 mono at the call's output sample rate.</summary>
    ValueTask SendAudioAsync(ReadOnlyMemory<short> samples, CancellationToken ct);
}

/// <summary>A transport's writer: the call's single writer of its socket, run for the call's life and completed at its end.</summary>
public interface ICallTransport : IClientEvents
{
    Task RunAsync(CancellationToken ct);

    void Complete();
}

/// <summary>A transport that learns what the far end has actually played (Twilio's <c>mark</c> messages).</summary>
public interface IPlaybackReport
{
    /// <summary>Reply samples played so far, counted like <c>OutputProcessor.SamplesSent</c>; null until known.</summary>
    long? PlayedSamples { get; }
}

public abstract record ClientEvent(string Type);

public sealed record ReadyEvent(string SessionId, string CallId, int OutputSampleRate) : ClientEvent("ready");

public sealed record TranscriptEvent(string Role, string Text, bool Final) : ClientEvent("transcript");

public sealed record SpeakingEvent(string Kind) : ClientEvent(Kind);

public sealed record InterruptionEvent() : ClientEvent("interruption");

public sealed record MetricsEvent(int Turn, double? VoiceToVoiceMs, double? SttMs, double? LlmTtftMs, double? TtsTtfbMs) : ClientEvent("metrics");

public sealed record ErrorEvent(string Message, bool Fatal) : ClientEvent("error");

public sealed record EndEvent(string Reason) : ClientEvent("end");
