using System.Runtime.CompilerServices;
using Microsoft.Extensions.Logging.Abstractions;
using VoiceAgents.Core.Domain;
using VoiceAgents.Tests.Infrastructure;
using VoiceAgents.VoiceHost.Audio;
using VoiceAgents.VoiceHost.Calls;
using VoiceAgents.VoiceHost.Configuration;
using VoiceAgents.VoiceHost.Pipeline.Frames;
using VoiceAgents.VoiceHost.Pipeline;
using VoiceAgents.VoiceHost.Processors;
using VoiceAgents.VoiceHost.Providers;
using VoiceAgents.VoiceHost;

namespace VoiceAgents.Tests.Voice;

/// <summary>An STT connection that dies mid-call is re-established, and the call goes on.</summary>
public sealed class SttReconnectTests
{
    private sealed class Session(int number, bool dies) : ISttSession
    {
        private int _samples;
        private int _sends;

        public ValueTask SendAudioAsync(ReadOnlyMemory<short> pcm16k, CancellationToken ct)
        {
            if (dies && ++_sends > 12) throw new ProviderException("fake", "connection reset by peer");
            _samples += pcm16k.Length;
            return ValueTask.CompletedTask;
        }

        public ValueTask<SttResult> FinalizeAsync(CancellationToken ct)
        {
            var result = new SttResult($"session {number} heard {_samples} samples", true);
            _samples = 0;
            return ValueTask.FromResult(result);
        }

        public async IAsyncEnumerable<SttResult> InterimResultsAsync([EnumeratorCancellation] CancellationToken ct)
        {
            await Task.CompletedTask;
            yield break;
        }

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }

    private sealed class Collector : FrameProcessor
    {
        public List<Frame> Frames { get; } = [];

        protected override ValueTask ProcessFrameAsync(Frame frame, FrameDirection direction, CancellationToken ct)
        {
            lock (Frames) Frames.Add(frame);
            return ValueTask.CompletedTask;
        }
    }

    [Fact]
    public async Task A_session_that_fails_mid_turn_is_replaced_and_the_turn_still_yields_a_transcript()
    {
        var connects = 0;
        await using var recorder = new CallRecorder(Path.Combine(Path.GetTempPath(), "va-stt"));
        var call = new CallContext("c", "t", new Agent { Id = "a", TenantId = "t", UserId = "u", Name = "A" }, TimeProvider.System, new VoiceOptions(), recorder, NullLogger.Instance);
        var collector = new Collector();
        var pipeline = new Pipeline(new SttProcessor(call, _ =>
        {
            var n = Interlocked.Increment(ref connects);
            // The first connection dies during the second turn.
            return ValueTask.FromResult<ISttSession>(new Session(n, dies: n == 1));
        }), collector);
        pipeline.Start(new StartFrame(16000, 16000));
        var frame = new AudioChunk(new short[320], 16000);

        async Task TurnAsync()
        {
            pipeline.Enqueue(new UserStartedSpeakingFrame(DateTimeOffset.UtcNow));
            for (var i = 0; i < 10; i++) pipeline.Enqueue(new InputAudioFrame(frame));
            pipeline.Enqueue(new UserStoppedSpeakingFrame(DateTimeOffset.UtcNow, DateTimeOffset.UtcNow));
            await Task.Delay(300);
        }

        await TurnAsync();
        await TurnAsync();
        await TurnAsync();
        await pipeline.StopAsync();

        var transcripts = collector.Frames.OfType<TranscriptionFrame>().Select(t => t.Text).ToList();
        Assert.Equal(2, connects);
        Assert.Equal(3, transcripts.Count);
        Assert.StartsWith("session 1", transcripts[0], StringComparison.Ordinal);
        Assert.StartsWith("session 2", transcripts[1], StringComparison.Ordinal);
        Assert.Equal("session 2 heard 3200 samples", transcripts[2]);
    }
}
