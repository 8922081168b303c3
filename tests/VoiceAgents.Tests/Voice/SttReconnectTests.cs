using System.Runtime.CompilerServices;
using VoiceAgents.Core.Domain;
using VoiceAgents.Tests.Processors;
using VoiceAgents.VoiceHost.Audio;
using VoiceAgents.VoiceHost.Pipeline.Frames;
using VoiceAgents.VoiceHost.Pipeline;
using VoiceAgents.VoiceHost.Processors;
using VoiceAgents.VoiceHost.Providers;

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

    [Fact]
    public async Task A_session_that_fails_mid_turn_is_replaced_and_the_turn_still_yields_a_transcript()
    {
        var connects = 0;
        var call = FrameHarness.Call(new TestClock());
        await using var run = FrameHarness.Start(call, new SttProcessor(call, _ =>
        {
            var n = Interlocked.Increment(ref connects);
            // The first connection dies during the second turn.
            return ValueTask.FromResult<ISttSession>(new Session(n, dies: n == 1));
        }));
        var frame = new AudioChunk(new short[320], 16000);

        async Task TurnAsync(int turn)
        {
            var now = call.Time.GetUtcNow();
            run.Send([new UserStartedSpeakingFrame(now), .. Enumerable.Range(0, 10).Select(_ => new InputAudioFrame(frame)), new UserStoppedSpeakingFrame(now, now)]);
            await run.WaitForAsync<TranscriptionFrame>(run.Down, _ => run.Down.OfType<TranscriptionFrame>().Count >= turn);
        }

        await TurnAsync(1);
        await TurnAsync(2);
        await TurnAsync(3);

        var transcripts = run.Down.OfType<TranscriptionFrame>().Select(t => t.Text).ToList();
        Assert.Equal(2, connects);
        Assert.Equal(3, transcripts.Count);
        Assert.StartsWith("session 1", transcripts[0], StringComparison.Ordinal);
        Assert.StartsWith("session 2", transcripts[1], StringComparison.Ordinal);
        Assert.Equal("session 2 heard 3200 samples", transcripts[2]);
    }
}
