using System.Diagnostics;
using Microsoft.Extensions.Logging.Abstractions;
using VoiceAgents.Core.Domain;
using VoiceAgents.VoiceHost.Audio;
using VoiceAgents.VoiceHost.Configuration;
using VoiceAgents.VoiceHost.Pipeline;
using VoiceAgents.VoiceHost.Pipeline.Frames;
using VoiceAgents.VoiceHost.Processors;
using VoiceAgents.VoiceHost.Providers;
using VoiceAgents.VoiceHost.Providers.Local;
using VoiceAgents.VoiceHost.Vad;

namespace VoiceAgents.Bench.Turns;

/// <summary>The caller's side of a call's pipeline as voice-host builds it (VAD, turn detection, STT), for one agent's turn setting, timing what comes out.</summary>
internal sealed class CallerSide : IAsyncDisposable
{
    private readonly Pipeline _pipeline;
    private readonly CallRecorder _recorder = new(Path.Combine(Path.GetTempPath(), "va-bench-turns"));
    private readonly Tail _tail = new();

    public CallerSide(string mode, TurnSettings turn, PocketSphinxStt stt, SileroVad vad)
    {
        Mode = mode;
        var agent = new Agent { Id = "a", TenantId = "t", UserId = "u", Name = "bench", Turn = turn };
        var call = new CallContext(Guid.NewGuid().ToString("N"), "t", agent, TimeProvider.System, new VoiceOptions(), _recorder, NullLogger.Instance);
        _pipeline = new Pipeline(new VadProcessor(call, vad.NewStream()), new TurnProcessor(call),
            new SttProcessor(call, ct => stt.ConnectAsync(agent.Stt, ct)), _tail);
        _pipeline.Start(new StartFrame(16000, 16000));
    }

    public string Mode { get; }

    /// <summary>When each turn ended (<see cref="Stopwatch"/> timestamps).</summary>
    public IReadOnlyList<long> TurnEnds => _tail.TurnEnds;

    public ValueTask SendAsync(ReadOnlyMemory<short> chunk) =>
        _pipeline.EnqueueAsync(new InputAudioFrame(new AudioChunk(chunk.ToArray(), 16000)), CancellationToken.None);

    /// <summary>The first final transcript to arrive after <paramref name="after"/>, waiting up to <paramref name="patience"/>.</summary>
    public async Task<(string Text, long At)?> TranscriptAfterAsync(long after, TimeSpan patience)
    {
        var deadline = Stopwatch.GetTimestamp() + (long)(patience.TotalSeconds * Stopwatch.Frequency);
        while (Stopwatch.GetTimestamp() < deadline)
        {
            lock (_tail.Transcripts)
            {
                if (_tail.Transcripts.FirstOrDefault(t => t.At > after) is { Text: not null } found) return found;
            }
            await Task.Delay(10);
        }
        return null;
    }

    public async ValueTask DisposeAsync()
    {
        await _pipeline.StopAsync();
        await _recorder.DisposeAsync();
    }

    private sealed class Tail : FrameProcessor
    {
        public List<long> TurnEnds { get; } = [];
        public List<(string Text, long At)> Transcripts { get; } = [];

        protected override ValueTask ProcessFrameAsync(Frame frame, FrameDirection direction, CancellationToken ct)
        {
            var now = Stopwatch.GetTimestamp();
            switch (frame)
            {
                case UserStoppedSpeakingFrame:
                    lock (TurnEnds) TurnEnds.Add(now);
                    break;
                case TranscriptionFrame t:
                    lock (Transcripts) Transcripts.Add((t.Text, now));
                    break;
            }
            return ValueTask.CompletedTask;
        }
    }
}
