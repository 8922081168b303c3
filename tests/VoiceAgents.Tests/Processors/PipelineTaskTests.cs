using Microsoft.Extensions.Logging.Abstractions;
using VoiceAgents.VoiceHost.Pipeline;
using VoiceAgents.VoiceHost.Pipeline.Frames;

namespace VoiceAgents.Tests.Processors;

/// <summary>
/// The task is the one place a pipeline starts and ends: an end that reaches the sink, a cancel, or a crash. Each
/// decides the reason once, and a cancel carrying it goes through every stage.
/// </summary>
public sealed class PipelineTaskTests
{
    /// <summary>Keeps every frame it sees going downstream and passes it on; throws on a text frame when told to, and can hold its data lane.</summary>
    private sealed class Stage(string name, bool throwsOnText = false) : FrameProcessor
    {
        private readonly Lock _gate = new();
        private readonly List<Frame> _seen = [];
        public TaskCompletionSource? Hold { get; set; }
        public override string Name => name;

        public List<Frame> Seen
        {
            get
            {
                lock (_gate) return [.. _seen];
            }
        }

        protected override async ValueTask ProcessFrameAsync(Frame frame, FrameDirection direction, CancellationToken ct)
        {
            lock (_gate) _seen.Add(frame);
            if (frame is TextFrame && throwsOnText) throw new InvalidOperationException("boom");
            if (frame is TextFrame && Hold is { } hold) await hold.Task.WaitAsync(ct);
            await base.ProcessFrameAsync(frame, direction, ct);
        }
    }

    private static readonly Frame[] Apology = [new LlmResponseStartFrame(), new TextFrame("Sorry.", -2), new LlmResponseEndFrame(), new EndFrame("error")];

    private static PipelineTask Task(TestClock clock, Stage? voice, params Stage[] stages) =>
        new("test", new PipelineBounds(50, 256), new CrashHandling("crashed", "error", voice, Apology, TimeSpan.FromSeconds(20)), clock, NullLogger.Instance, stages);

    [Fact]
    public async Task An_end_frame_that_reaches_the_sink_ends_the_task_with_its_reason_and_a_cancel_then_goes_through_every_stage()
    {
        var clock = new TestClock();
        Stage first = new("first"), last = new("last");
        var task = Task(clock, null, first, last);
        task.Start(new StartFrame(16000, 16000));

        task.Queue(new TextFrame("Goodbye.", 1));
        task.Queue(new EndFrame("agent_hang_up"));

        Assert.Equal("agent_hang_up", await task.Ending.WaitAsync(FrameHarness.Patience));
        await task.Ended.WaitAsync(FrameHarness.Patience);
        Assert.Equal(new CancelFrame("agent_hang_up"), last.Seen[^1]);
        Assert.Equal([typeof(TextFrame), typeof(EndFrame), typeof(CancelFrame)], last.Seen.Where(f => f is not StartFrame).Select(f => f.GetType()));
        Assert.Null(task.Failure);
        await task.StopAsync();
    }

    [Fact]
    public async Task A_cancel_decides_the_reason_once_and_stops_a_stage_in_the_middle_of_its_work()
    {
        var clock = new TestClock();
        Stage first = new("first") { Hold = new TaskCompletionSource() }, last = new("last");
        var task = Task(clock, null, first, last);
        task.Start(new StartFrame(16000, 16000));
        task.Queue(new TextFrame("a long reply", 1));
        task.Queue(new EndFrame("agent_hang_up"));

        task.Cancel("caller_hung_up");
        task.Cancel("max_duration");
        await task.Ended.WaitAsync(FrameHarness.Patience);

        Assert.Equal("caller_hung_up", await task.Ending);
        // The held reply and the end behind it never went on: the cancel stopped the first stage's data lane (and
        // what was still queued, the start perhaps, was dropped).
        Assert.Equal(new CancelFrame("caller_hung_up"), last.Seen[^1]);
        Assert.DoesNotContain(last.Seen, f => f is TextFrame or EndFrame);
        await task.StopAsync();
    }

    [Fact]
    public async Task A_crash_before_the_voice_sends_a_fatal_error_and_the_apology_on_from_the_next_stage_and_ends_with_error()
    {
        var clock = new TestClock();
        Stage llm = new("llm", throwsOnText: true), voice = new("voice"), output = new("output");
        var task = Task(clock, voice, llm, voice, output);
        task.Start(new StartFrame(16000, 16000));

        task.Queue(new TextFrame("Let me check.", 1));

        Assert.Equal("error", await task.Ending.WaitAsync(FrameHarness.Patience));
        await task.Ended.WaitAsync(FrameHarness.Patience);
        Assert.IsType<InvalidOperationException>(task.Failure);
        Assert.Equal(new ErrorFrame("crashed", Fatal: true), output.Seen.OfType<ErrorFrame>().Single());
        Assert.Equal([.. Apology, new CancelFrame("error")], output.Seen.Where(f => f is not (StartFrame or ErrorFrame)));
        await task.StopAsync();
    }

    [Fact]
    public async Task A_crash_with_no_voice_after_it_ends_at_once_and_a_second_crash_changes_nothing()
    {
        var clock = new TestClock();
        Stage voice = new("voice"), output = new("output", throwsOnText: true), last = new("last");
        var task = Task(clock, voice, voice, output, last);
        task.Start(new StartFrame(16000, 16000));

        task.Queue(new TextFrame("Hello.", 1));
        await task.Ended.WaitAsync(FrameHarness.Patience);

        Assert.Equal("error", await task.Ending);
        Assert.Equal([typeof(ErrorFrame), typeof(CancelFrame)], last.Seen.Where(f => f is not StartFrame).Select(f => f.GetType()));
        await task.StopAsync();
    }

    [Fact]
    public async Task An_apology_that_takes_too_long_ends_the_task_at_the_reply_limit()
    {
        var clock = new TestClock();
        Stage llm = new("llm", throwsOnText: true), voice = new("voice") { Hold = new TaskCompletionSource() }, output = new("output");
        var task = Task(clock, voice, llm, voice, output);
        task.Start(new StartFrame(16000, 16000));

        task.Queue(new TextFrame("Let me check.", 1));
        await clock.TimerWaitingAsync().WaitAsync(FrameHarness.Patience);
        Assert.False(task.Ending.IsCompleted);
        clock.Advance(TimeSpan.FromSeconds(20));

        Assert.Equal("error", await task.Ending.WaitAsync(FrameHarness.Patience));
        await task.Ended.WaitAsync(FrameHarness.Patience);
        Assert.DoesNotContain(output.Seen, f => f is TextFrame);
        await task.StopAsync();
    }
}
