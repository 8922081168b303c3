using Microsoft.Extensions.Logging.Abstractions;
using VoiceAgents.Core.Domain;
using VoiceAgents.VoiceHost.Audio;
using VoiceAgents.VoiceHost.Configuration;
using VoiceAgents.VoiceHost.Pipeline;
using VoiceAgents.VoiceHost.Pipeline.Frames;
using VoiceAgents.VoiceHost.Processors;

namespace VoiceAgents.Tests.Processors;

/// <summary>
/// Runs processors with frames in and frames out, in the spirit of Pipecat's <c>run_test</c>: the processors under
/// test sit between two <see cref="FrameLog"/>s, frames go in at the head (or upstream at the tail), and the test
/// asserts what came out downstream at the tail and upstream at the head. Time is a <see cref="TestClock"/>: it
/// moves only when the test moves it, straight from one waiting timer to the next, so paced audio and lookahead
/// waits cost no real time. Waits are for frames or events, bounded by <see cref="Patience"/> only in case of a bug.
/// </summary>
public sealed class FrameHarness : IAsyncDisposable
{
    public const int Rate = 16000;

    /// <summary>How long a wait for a frame may take in real time before the test fails.</summary>
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    private readonly Pipeline _pipeline;
    private readonly FrameProcessor _first;
    private readonly FrameProcessor _last;
    private readonly CallRecorder _recorder;
    private long _markers;

    private FrameHarness(TestClock clock, CallRecorder recorder, FrameProcessor[] processors)
    {
        Clock = clock;
        _recorder = recorder;
        _first = processors[0];
        _last = processors[^1];
        _pipeline = new Pipeline([Up, .. processors, Down]);
        _pipeline.Start(new StartFrame(Rate, Rate));
    }

    public TestClock Clock { get; }

    /// <summary>What came out at the tail, going downstream (the start included).</summary>
    public FrameLog Down { get; } = new(FrameDirection.Downstream);

    /// <summary>What came out at the head, going upstream.</summary>
    public FrameLog Up { get; } = new(FrameDirection.Upstream);

    /// <summary>A call's shared state on <paramref name="clock"/>, recording to a temp folder.</summary>
    public static CallContext Call(TestClock clock, Agent? agent = null, VoiceOptions? options = null) =>
        new("c", "t", agent ?? Agent(), clock, options ?? new VoiceOptions(),
            new CallRecorder(Path.Combine(Path.GetTempPath(), "va-frames")), NullLogger.Instance);

    /// <summary>A plain test agent, with <paramref name="interruption"/> settings if given.</summary>
    public static Agent Agent(InterruptionSettings? interruption = null) =>
        new() { Id = "a", TenantId = "t", UserId = "u", Name = "Test", SystemPrompt = "", Interruption = interruption };

    /// <summary>An agent whose barge-ins interrupt on speech alone, waiting for no words (no backchannels, no minimum words).</summary>
    public static Agent SpeechInterrupts() => Agent(new InterruptionSettings { Backchannels = [] });

    /// <summary>Starts <paramref name="processors"/> (which share <paramref name="call"/>) between the two logs, with a start frame in.</summary>
    public static FrameHarness Start(CallContext call, params FrameProcessor[] processors) => new((TestClock)call.Time, call.Recorder, processors);

    /// <summary>
    /// Pipecat's <c>run_test</c>: <paramref name="frames"/> in at the head, then an end; the clock runs until the end
    /// comes out. Returns what came out at both ends, starts, ends and markers left out. A system frame jumps the data
    /// lane, so the end could pass a stage before a system frame sent ahead of it had made its frames there (a
    /// transcription's LLM run came out after the end under load): the start and each system frame are let through
    /// first.
    /// </summary>
    public static async Task<(List<Frame> Down, List<Frame> Up)> RunAsync(CallContext call, FrameProcessor[] processors, params Frame[] frames)
    {
        await using var run = Start(call, processors);
        await run.FlushAsync();
        foreach (var frame in frames)
        {
            run.Send(frame);
            if (frame is SystemFrame) await run.FlushAsync();
        }
        run.Send(new EndFrame("test"));
        await run.RunClockUntilAsync(() => run.Down.Frames.Any(f => f is EndFrame), TimeSpan.FromHours(1));
        await run.FlushAsync();
        return (run.Down.Between, run.Up.Between);
    }

    /// <summary>
    /// Waits until every system frame already on its way has come out at the tail: a marker sent now goes down the
    /// system lanes behind them (the data lane's frames are waited for with an <see cref="EndFrame"/> instead).
    /// </summary>
    public async Task FlushAsync()
    {
        var marker = new Marker(Interlocked.Increment(ref _markers));
        Send(marker);
        await WaitForAsync<Marker>(Down, m => m.Id == marker.Id);
    }

    /// <summary>Puts frames in at the head, going downstream.</summary>
    public void Send(params Frame[] frames)
    {
        foreach (var frame in frames) _pipeline.Enqueue(frame);
    }

    /// <summary>Puts frames straight into the first processor, as a call's transport does (no head stage before it).</summary>
    public void SendToFirst(params Frame[] frames)
    {
        foreach (var frame in frames) _first.Enqueue(frame, FrameDirection.Downstream);
    }

    /// <summary>Puts a frame in at the tail, going upstream.</summary>
    public void SendUp(Frame frame) => _last.Enqueue(frame, FrameDirection.Upstream);

    /// <summary>Waits, without moving the clock, for the first frame of type <typeparamref name="T"/> at an end that matches.</summary>
    public async Task<T> WaitForAsync<T>(FrameLog at, Func<T, bool>? match = null) where T : Frame
    {
        using var timeout = new CancellationTokenSource(Patience);
        while (true)
        {
            var arrival = at.Arrival;
            if (at.Frames.OfType<T>().FirstOrDefault(f => match is null || match(f)) is { } found) return found;
            try
            {
                await arrival.WaitAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"no {typeof(T).Name} among: {string.Join(", ", at.Frames.Select(f => f.GetType().Name))}");
            }
        }
    }

    /// <summary>Moves the clock forward by <paramref name="span"/>, from one waiting timer to the next, letting each fire.</summary>
    public async Task AdvanceAsync(TimeSpan span)
    {
        await StartedAsync();
        var end = Clock.GetUtcNow() + span;
        do
        {
            await Settle();
        }
        while (Clock.AdvanceToNextTimer(end));
        if (Clock.GetUtcNow() < end) Clock.SetUtcNow(end);
        await Settle();
    }

    /// <summary>
    /// Lets paced work (reply audio, lookahead waits) run for <paramref name="span"/> of fake time. Unlike
    /// <see cref="AdvanceAsync"/>, when nothing waits on the clock yet it waits for a stage to arm its next timer
    /// instead of jumping to the end, so a loaded machine cannot make the time pass before the audio starts.
    /// </summary>
    public Task RunClockForAsync(TimeSpan span)
    {
        var end = Clock.GetUtcNow() + span;
        return RunClockUntilAsync(() => Clock.GetUtcNow() >= end, span);
    }

    /// <summary>
    /// Moves the clock from one waiting timer to the next until <paramref name="done"/> holds, for at most
    /// <paramref name="span"/> of fake time. Between two moves the processors run until something waits on the clock
    /// again (or a frame comes out, which may make <paramref name="done"/> hold).
    /// </summary>
    public async Task RunClockUntilAsync(Func<bool> done, TimeSpan span)
    {
        await StartedAsync();
        var end = Clock.GetUtcNow() + span;
        using var timeout = new CancellationTokenSource(Patience);
        while (!done())
        {
            // Let the frames on their way settle before time moves: the stages only wait on the clock when they are idle.
            await Settle();
            if (done()) return;
            if (Clock.AdvanceToNextTimer(end)) continue;
            if (Clock.NextDue is not null) return;
            try
            {
                await Task.WhenAny(Clock.TimerWaitingAsync(), Down.Arrival, Up.Arrival).WaitAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                if (done()) return;
                throw new TimeoutException($"nothing moved; downstream: {string.Join(", ", Down.Frames.Select(f => f.GetType().Name))}");
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _pipeline.StopAsync();
        await _recorder.DisposeAsync();
    }

    /// <summary>
    /// Waits until the start has come out at the tail: the processors arm their first timers (a call's silence, its
    /// maximum duration) as the start passes, and time moved before then was lost to them (a silent caller's
    /// reprompt never came when a loaded machine ran the start after the test's first move of the clock).
    /// </summary>
    private Task StartedAsync() => WaitForAsync<StartFrame>(Down);

    /// <summary>A system frame that every processor passes on: what <see cref="FlushAsync"/> waits for.</summary>
    /// <summary>Numbered: a record compares by value, and markers that all compared equal let a flush return on the first one ever sent.</summary>
    public sealed record Marker(long Id) : SystemFrame;

    private static async Task Settle()
    {
        for (var i = 0; i < 20; i++) await Task.Yield();
    }
}
