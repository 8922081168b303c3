namespace VoiceAgents.Bench.Voice.Load;

/// <summary>p50/p95/p99/max of a sample, in milliseconds.</summary>
public sealed record Summary(int Count, double P50, double P95, double P99, double Max, double Mean)
{
    public static Summary? Of(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        if (sorted.Length == 0) return null;
        return new Summary(sorted.Length, At(sorted, 0.50), At(sorted, 0.95), At(sorted, 0.99), sorted[^1], Math.Round(sorted.Average(), 1));
    }

    /// <summary>Nearest-rank percentile.</summary>
    private static double At(double[] sorted, double q) => Math.Round(sorted[Math.Clamp((int)Math.Ceiling(q * sorted.Length) - 1, 0, sorted.Length - 1)], 1);
}

/// <summary>A millisecond histogram (1 ms buckets up to 5 s) for the per-frame figures, which are too many to keep.</summary>
public sealed class Histogram
{
    private const int Buckets = 5000;
    private readonly long[] _counts = new long[Buckets + 1];
    private readonly Lock _gate = new();
    private double _max;

    public void Add(double ms)
    {
        var b = (int)Math.Clamp(Math.Floor(Math.Max(0, ms)), 0, Buckets);
        lock (_gate)
        {
            _counts[b]++;
            if (ms > _max) _max = ms;
        }
    }

    public Summary? Summary()
    {
        lock (_gate)
        {
            var total = _counts.Sum();
            if (total == 0) return null;
            double At(double q)
            {
                var rank = (long)Math.Ceiling(q * total);
                long seen = 0;
                for (var i = 0; i <= Buckets; i++)
                {
                    seen += _counts[i];
                    if (seen >= rank) return i;
                }
                return Buckets;
            }
            double sum = 0;
            for (var i = 0; i <= Buckets; i++) sum += _counts[i] * (i + 0.5);
            return new Summary((int)Math.Min(int.MaxValue, total), At(0.5), At(0.95), At(0.99), Math.Round(_max, 1), Math.Round(sum / total, 1));
        }
    }
}

/// <summary>One user turn as the caller lived it, with the server's metrics event.</summary>
public sealed record TurnRecord(
    double? ServerVoiceToVoiceMs, double? SttMs, double? LlmTtftMs, double? TtsTtfbMs, double? ClientVoiceToVoiceMs, bool Missed)
{
    /// <summary>The brief's overhead: voice-to-voice minus the turn-end silence and the providers' fixed latencies.</summary>
    public double? OverheadMs => ServerVoiceToVoiceMs - Scenario.FixedMs;

    public double? ClientOverheadMs => ClientVoiceToVoiceMs - Scenario.FixedMs;

    /// <summary>The part spent in the pipeline (frame hops, sentence split, output) rather than waiting on providers.</summary>
    public double? PipelineMs => ServerVoiceToVoiceMs - Scenario.TurnEnd.TotalMilliseconds - SttMs - LlmTtftMs - TtsTtfbMs;

    /// <summary>How much later than promised the fake providers' timers fired, as the server measured them.</summary>
    public double? ProviderLagMs => SttMs + LlmTtftMs + TtsTtfbMs - (Scenario.SttFinal + Scenario.LlmFirstToken + Scenario.TtsFirstByte).TotalMilliseconds;
}

/// <summary>One stretch of reply audio (bot started to bot stopped) as the client's player would have played it.</summary>
public sealed record BurstRecord(int Underruns, double MaxLateMs, double Seconds);

/// <summary>Everything the callers observe during one phase of the bench (a ramp step, the soak).</summary>
public sealed class PhaseData(string name)
{
    private readonly Lock _gate = new();
    public string Name { get; } = name;
    public List<TurnRecord> Turns { get; } = [];
    public List<BurstRecord> Bursts { get; } = [];
    public List<double> SetupMs { get; } = [];
    public List<string> Failures { get; } = [];
    public Histogram SendLag { get; } = new();
    public Histogram FrameLateness { get; } = new();
    public int Interruptions;
    public int ErrorEvents;
    public int CallsCompleted;

    public void Add(TurnRecord t)
    {
        lock (_gate) Turns.Add(t);
    }

    public void Add(BurstRecord b)
    {
        lock (_gate) Bursts.Add(b);
    }

    public void Setup(double ms)
    {
        lock (_gate) SetupMs.Add(ms);
    }

    public void Fail(string message)
    {
        lock (_gate)
        {
            if (Failures.Count < 1000) Failures.Add(message);
        }
    }

    public T Read<T>(Func<PhaseData, T> read)
    {
        lock (_gate) return read(this);
    }
}
