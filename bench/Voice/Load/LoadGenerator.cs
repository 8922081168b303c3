using System.Diagnostics;
using System.Runtime.InteropServices;

namespace VoiceAgents.Bench.Voice.Load;

/// <summary>
/// Runs simulated callers against one voice-host. One clock thread sends every caller's due frames, which is
/// cheaper and steadier than a timer per caller; each caller receives on its own async loop.
/// </summary>
public sealed class LoadGenerator : IAsyncDisposable
{
    private readonly List<(Caller Caller, Task Task)> _callers = [];
    private readonly CancellationTokenSource _stop = new();
    private readonly Thread _clock;
    private volatile Caller[] _pumped = [];
    private volatile PhaseData _phase = new("warmup");
    private volatile bool _running = true;

    public LoadGenerator(Uri uri, string agentId, Func<string> token, short[] speech, int rate, int speechEndSample, TimeSpan jitter, int turnsPerCall, int firstTurnSpreadMs)
    {
        Uri = uri;
        AgentId = agentId;
        Token = token;
        Rate = rate;
        FrameSamples = rate / 50;
        FrameTicks = Stopwatch.Frequency / 50;
        JitterTicks = (long)(jitter.TotalSeconds * Stopwatch.Frequency);
        TurnsPerCall = turnsPerCall;
        FirstTurnSpreadMs = firstTurnSpreadMs;
        SpeechEndSample = speechEndSample;
        var frames = new List<ReadOnlyMemory<byte>>();
        for (var i = 0; i < speech.Length; i += FrameSamples)
        {
            var frame = new short[FrameSamples];
            speech.AsSpan(i, Math.Min(FrameSamples, speech.Length - i)).CopyTo(frame);
            frames.Add(MemoryMarshal.AsBytes(frame.AsSpan()).ToArray());
        }
        Speech = [.. frames];
        Silence = new byte[FrameSamples * 2];
        _clock = new Thread(RunClock) { IsBackground = true, Name = "caller-clock", Priority = ThreadPriority.AboveNormal };
        _clock.Start();
    }

    public Uri Uri { get; }
    public string AgentId { get; }
    public Func<string> Token { get; }
    public int Rate { get; }
    public int FrameSamples { get; }
    public long FrameTicks { get; }
    public long JitterTicks { get; }
    public int TurnsPerCall { get; }
    public int FirstTurnSpreadMs { get; }
    public int SpeechEndSample { get; }
    public ReadOnlyMemory<byte>[] Speech { get; }
    public ReadOnlyMemory<byte> Silence { get; }
    public int Count => _callers.Count;

    /// <summary>Where observations go now; the orchestrator switches it at phase boundaries.</summary>
    public PhaseData Phase
    {
        get => _phase;
        set => _phase = value;
    }

    public void AddCallers(int count)
    {
        for (var i = 0; i < count; i++)
        {
            var caller = new Caller(this, _callers.Count);
            _callers.Add((caller, Task.Run(() => caller.RunAsync(_stop.Token))));
        }
        _pumped = _callers.Select(c => c.Caller).ToArray();
    }

    private void RunClock()
    {
        var period = TimeSpan.FromMilliseconds(5);
        while (_running)
        {
            var now = Stopwatch.GetTimestamp();
            foreach (var caller in _pumped) caller.Pump(now);
            var spent = Stopwatch.GetElapsedTime(now);
            if (spent < period) Thread.Sleep(period - spent);
        }
    }

    /// <summary>Every caller hangs up (sending "end") and the clock stops.</summary>
    public async Task StopAsync()
    {
        await _stop.CancelAsync();
        await Task.WhenAll(_callers.Select(c => c.Task)).WaitAsync(TimeSpan.FromSeconds(30)).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        _running = false;
        _clock.Join();
    }

    public async ValueTask DisposeAsync()
    {
        if (_running) await StopAsync();
        _stop.Dispose();
    }
}
