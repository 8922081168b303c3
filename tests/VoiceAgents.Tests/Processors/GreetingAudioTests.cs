using System.Runtime.CompilerServices;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using VoiceAgents.Core.Domain;
using VoiceAgents.VoiceHost.Audio;
using VoiceAgents.VoiceHost.Calls;
using VoiceAgents.VoiceHost.Configuration;
using VoiceAgents.VoiceHost.Metrics;
using VoiceAgents.VoiceHost.Pipeline.Frames;
using VoiceAgents.VoiceHost.Processors;
using VoiceAgents.VoiceHost.Providers;
using VoiceAgents.VoiceHost.Transport;

namespace VoiceAgents.Tests.Processors;

/// <summary>
/// A call's first words made while it is set up, or taken from the cache of greetings already made, and then played
/// like any sentence: first after <c>ready</c>, recorded in the transcript, cut by a barge-in.
/// </summary>
public sealed class GreetingAudioTests
{
    /// <summary>Takes <see cref="Latency"/> of the call's clock before it says any text as a second of tone at 16 kHz, noting each request.</summary>
    private sealed class SlowTts(TimeProvider time, double seconds = 1, Task? restAfterFirst = null) : ITtsProvider
    {
        public static readonly TimeSpan Latency = TimeSpan.FromMilliseconds(200);
        private readonly List<string> _asked = [];

        public string Name => "local";

        public List<string> Asked
        {
            get
            {
                lock (_asked) return [.. _asked];
            }
        }

        public async IAsyncEnumerable<AudioChunk> SynthesizeAsync(string text, TtsConfig config, string language, [EnumeratorCancellation] CancellationToken ct)
        {
            lock (_asked) _asked.Add(text);
            await Task.Delay(Latency, time, ct);
            var samples = (int)(16000 * seconds);
            for (var i = 0; i < samples; i += 1600)
            {
                ct.ThrowIfCancellationRequested();
                var chunk = new short[Math.Min(1600, samples - i)];
                Array.Fill(chunk, (short)4000);
                yield return new AudioChunk(chunk, 16000);
                if (i == 0 && restAfterFirst is not null) await restAfterFirst.WaitAsync(ct);
            }
        }
    }

    private static GreetingAudio Greetings(TimeProvider clock, int megabytes = 32) =>
        new(Options.Create(new VoiceOptions { GreetingCacheMegabytes = megabytes }), clock, new VoiceMetrics(), NullLogger<GreetingAudio>.Instance);

    private static Agent Greeter(string firstMessage, string voice = "slt", InterruptionSettings? interruption = null) => new()
    {
        Id = "a", TenantId = "t", UserId = "u", Name = "Greeter", SystemPrompt = "", FirstMessage = firstMessage,
        Tts = new TtsConfig { Provider = "local", Voice = voice }, Interruption = interruption,
    };

    private static CallContext Call(TestClock clock, Agent agent, string name = "Ada")
    {
        var call = FrameHarness.Call(clock, agent);
        return new CallContext("c", "t", agent, clock, call.Options, call.Recorder, call.Log) { Variables = new Dictionary<string, string> { ["name"] = name } };
    }

    /// <summary>
    /// The call's setup taking <paramref name="setup"/> of the clock while its greeting is synthesized: once the
    /// synthesis waits on the clock (a cached greeting does not), the clock moves on; then the audio is there.
    /// </summary>
    private static async Task<GreetingPiece?> SetUpAsync(TestClock clock, PreparedGreeting greeting, TimeSpan setup)
    {
        if (!greeting.FromCache) await clock.TimerWaitingAsync().WaitAsync(FrameHarness.Patience);
        clock.Advance(setup);
        return await greeting.Audio.WaitAsync(FrameHarness.Patience);
    }

    [Fact]
    public async Task A_greeting_prepared_during_setup_is_the_first_audio_at_the_moment_of_ready_and_is_not_synthesized_again()
    {
        var clock = new TestClock();
        var tts = new SlowTts(clock);
        var call = Call(clock, Greeter("Hello {{ name }}, thanks for calling."));
        call.Greeting = Greetings(clock).Prepare(call, tts, CancellationToken.None);
        // The rest of the call's setup takes longer than the synthesis: the greeting is ready before "ready" is.
        Assert.NotNull(await SetUpAsync(clock, call.Greeting!, SlowTts.Latency + TimeSpan.FromMilliseconds(50)));
        var client = new RecordingClient(clock);
        var assistant = new AssistantContextProcessor(call);

        await using var run = FrameHarness.Start(call, new UserContextProcessor(call), new SentenceProcessor(call),
            new TtsProcessor(call, tts, FrameHarness.Rate), new OutputTransport(call, client, FrameHarness.Rate, new VoiceMetrics()), assistant);
        await run.RunClockUntilAsync(() => client.Types.Contains("bot_stopped_speaking"), TimeSpan.FromSeconds(5));

        var ready = client.Events.First(e => e.Event is ReadyEvent).At;
        Assert.Equal(ready, client.Audio[0].At);
        Assert.Equal(["Hello Ada, thanks for calling."], tts.Asked);
        Assert.Equal(16000, client.Audio.Sum(a => a.Samples));
        Assert.Equal(["ready", "bot_started_speaking", "transcript", "bot_stopped_speaking"], client.Types);
        Assert.Equal(new TranscriptEvent("assistant", "Hello Ada, thanks for calling.", true), client.Events[2].Event);
        lock (call.Transcript) Assert.Equal([("assistant", "Hello Ada, thanks for calling.")], call.Transcript.Select(t => (t.Speaker, t.Text)));
        Assert.Equal("Hello Ada, thanks for calling.", Assert.Single(assistant.Spoken).Text);
        // Made for this call, so its characters are this call's usage, as a synthesis in the TTS stage's would be.
        Assert.Equal("Hello Ada, thanks for calling.".Length, call.Usage.Snapshot("websocket", TimeSpan.FromSeconds(1)).TtsCharacters["local"]);
    }

    [Fact]
    public async Task A_greeting_still_being_synthesized_at_ready_plays_its_first_chunk_as_soon_as_it_is_made()
    {
        var clock = new TestClock();
        var rest = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var tts = new SlowTts(clock, restAfterFirst: rest.Task);
        var call = Call(clock, Greeter("Hello {{ name }}, thanks for calling."));
        call.Greeting = Greetings(clock).Prepare(call, tts, CancellationToken.None);
        await clock.TimerWaitingAsync().WaitAsync(FrameHarness.Patience);
        var client = new RecordingClient(clock);

        await using var run = FrameHarness.Start(call, new UserContextProcessor(call), new SentenceProcessor(call),
            new TtsProcessor(call, tts, FrameHarness.Rate), new OutputTransport(call, client, FrameHarness.Rate, new VoiceMetrics()));
        await run.RunClockUntilAsync(() => client.Audio.Count > 0, TimeSpan.FromSeconds(10));

        // The first chunk is played when the synthesis makes it, while the rest of the piece is still to come.
        var ready = client.Events.First(e => e.Event is ReadyEvent).At;
        Assert.Equal(SlowTts.Latency, client.Audio[0].At - ready);
        rest.SetResult();
        await run.RunClockUntilAsync(() => client.Types.Contains("bot_stopped_speaking"), TimeSpan.FromSeconds(10));
        Assert.Equal(16000, client.Audio.Sum(a => a.Samples));
        Assert.Single(tts.Asked);
    }

    [Fact]
    public async Task Without_a_prepared_greeting_its_first_audio_waits_for_the_synthesis_after_ready()
    {
        var clock = new TestClock();
        var tts = new SlowTts(clock);
        var call = Call(clock, Greeter("Hello {{ name }}, thanks for calling."));
        var client = new RecordingClient(clock);

        await using var run = FrameHarness.Start(call, new UserContextProcessor(call), new SentenceProcessor(call),
            new TtsProcessor(call, tts, FrameHarness.Rate), new OutputTransport(call, client, FrameHarness.Rate, new VoiceMetrics()));
        await run.RunClockUntilAsync(() => client.Audio.Count > 0, TimeSpan.FromSeconds(5));

        var ready = client.Events.First(e => e.Event is ReadyEvent).At;
        Assert.Equal(SlowTts.Latency, client.Audio[0].At - ready);
    }

    [Fact]
    public async Task A_second_call_with_the_same_agent_voice_and_words_takes_the_greeting_from_the_cache_without_synthesizing()
    {
        var clock = new TestClock();
        var tts = new SlowTts(clock);
        var greetings = Greetings(clock);
        var agent = Greeter("Hello {{ name }}, thanks for calling.");
        var first = Call(clock, agent);
        first.Greeting = greetings.Prepare(first, tts, CancellationToken.None);
        var made = await SetUpAsync(clock, first.Greeting!, SlowTts.Latency);

        var second = Call(clock, agent);
        second.Greeting = greetings.Prepare(second, tts, CancellationToken.None);
        var client = new RecordingClient(clock);
        await using (var run = FrameHarness.Start(second, new UserContextProcessor(second), new SentenceProcessor(second),
            new TtsProcessor(second, tts, FrameHarness.Rate), new OutputTransport(second, client, FrameHarness.Rate, new VoiceMetrics())))
        {
            await run.RunClockUntilAsync(() => client.Types.Contains("bot_stopped_speaking"), TimeSpan.FromSeconds(5));
        }

        Assert.True(second.Greeting!.FromCache);
        Assert.Equal(1, greetings.Syntheses);
        Assert.Equal(["Hello Ada, thanks for calling."], tts.Asked);
        Assert.Equal(made!.Chunks.Sum(c => c.Length), client.Audio.Sum(a => a.Samples));
        Assert.Equal(client.Events.First(e => e.Event is ReadyEvent).At, client.Audio[0].At);
        // Made for the first call, its characters are that call's usage; the second made no vendor request.
        Assert.Empty(second.Usage.Snapshot("websocket", TimeSpan.FromSeconds(1)).TtsCharacters);

        // Other words (the variables render another greeting) or another voice are synthesized anew.
        var other = Call(clock, agent, name: "Grace");
        other.Greeting = greetings.Prepare(other, tts, CancellationToken.None);
        var otherVoice = Call(clock, Greeter("Hello {{ name }}, thanks for calling.", voice: "kal16"));
        otherVoice.Greeting = greetings.Prepare(otherVoice, tts, CancellationToken.None);
        Assert.False(other.Greeting!.FromCache);
        Assert.False(otherVoice.Greeting!.FromCache);
        Assert.Equal(3, greetings.Syntheses);
    }

    [Fact]
    public async Task With_the_cache_off_each_call_synthesizes_its_greeting_during_setup()
    {
        var clock = new TestClock();
        var tts = new SlowTts(clock);
        var greetings = Greetings(clock, megabytes: 0);
        var agent = Greeter("Hello there.");
        for (var i = 0; i < 2; i++)
        {
            var call = Call(clock, agent);
            call.Greeting = greetings.Prepare(call, tts, CancellationToken.None);
            Assert.NotNull(await SetUpAsync(clock, call.Greeting!, SlowTts.Latency));
            Assert.False(call.Greeting!.FromCache);
        }
        Assert.Equal(["Hello there.", "Hello there."], tts.Asked);
    }

    [Fact]
    public async Task A_cached_greeting_is_still_cut_by_a_barge_in_and_only_its_heard_words_are_kept()
    {
        var clock = new TestClock();
        var tts = new SlowTts(clock, seconds: 3);
        var greetings = Greetings(clock);
        var agent = Greeter("one two three four five six seven eight nine ten eleven twelve.", interruption: new InterruptionSettings { Backchannels = [] });
        var earlier = Call(clock, agent);
        earlier.Greeting = greetings.Prepare(earlier, tts, CancellationToken.None);
        await SetUpAsync(clock, earlier.Greeting!, SlowTts.Latency);

        var call = Call(clock, agent);
        call.Greeting = greetings.Prepare(call, tts, CancellationToken.None);
        Assert.True(call.Greeting!.FromCache);
        var client = new RecordingClient(clock);
        var assistant = new AssistantContextProcessor(call);
        await using var run = FrameHarness.Start(call, new TurnProcessor(call), new UserContextProcessor(call), new SentenceProcessor(call),
            new TtsProcessor(call, tts, FrameHarness.Rate), new OutputTransport(call, client, FrameHarness.Rate, new VoiceMetrics()), assistant);

        await run.RunClockForAsync(TimeSpan.FromSeconds(1));
        var vadStart = clock.GetUtcNow();
        run.Send(new VadSpeechStartedFrame(vadStart));
        await client.WaitForAsync<InterruptionEvent>();
        await run.AdvanceAsync(TimeSpan.FromSeconds(3));

        Assert.DoesNotContain(client.Audio, a => a.At > vadStart + TimeSpan.FromMilliseconds(100));
        Assert.InRange(client.Audio.Sum(a => a.Samples) / 16000.0, 0.9, 1.2);
        var spoken = Assert.Single(assistant.Spoken);
        Assert.True(spoken.Interrupted);
        Assert.StartsWith("one two three", spoken.Text, StringComparison.Ordinal);
        Assert.DoesNotContain("twelve", spoken.Text, StringComparison.Ordinal);
        Assert.Single(tts.Asked);
    }
}
