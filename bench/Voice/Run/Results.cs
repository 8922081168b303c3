using VoiceAgents.Bench.Voice.Load;

namespace VoiceAgents.Bench.Voice.Run;

public sealed record BenchResult
{
    public required DateTimeOffset StartedAt { get; init; }
    public DateTimeOffset FinishedAt { get; set; }
    public required bool Quick { get; init; }
    public bool Aborted { get; set; }
    public string? AbortReason { get; set; }
    public required MachineInfo Machine { get; init; }
    public SetupInfo? Setup { get; set; }
    public Components.Costs? Components { get; set; }
    public InputPathCost? InputPath { get; set; }

    /// <summary>CPU ms per call-second of sentence → TTS (the fake) → output pacing and recording, every call always speaking.</summary>
    public double? OutputPathCpuMsPerCallSecond { get; set; }
    public IdleInfo? RampIdle { get; set; }
    public List<StepResult> Ramp { get; init; } = [];
    public int? MaxCallsPassing { get; set; }
    public int? MaxCallsSustained { get; set; }
    public SoakResult? Soak { get; set; }
    public required TargetInfo Targets { get; init; }
}

public sealed record MachineInfo(int Cores, string Cpu, string Os, string Dotnet, double[] LoadAverageAtStart)
{
    public double[] LoadAverageAtEnd { get; set; } = [];
}

public sealed record SetupInfo(
    int CallerSampleRate,
    double TurnEndMs,
    double SttFinalMs,
    double LlmFirstTokenMs,
    double LlmTokenIntervalMs,
    double TtsFirstByteMs,
    string TtsStreaming,
    double FixedMs,
    double JitterBufferMs,
    double CallerSpeechSeconds,
    double ReplySecondsPerTurn,
    string ServerGc,
    double StepSeconds,
    double StepWarmupSeconds,
    double PassP99Ms);

public sealed record InputPathCost(int Calls, double CpuMsPerCallSecond, double AllocKbPerCallSecond);

public sealed record TargetInfo(int Calls, double OverheadP99Ms, string Memory);

public sealed record IdleInfo(double RssMb, double LiveHeapMb)
{
    public double? CpuPercent { get; init; }
    public double? AllocMbPerSecond { get; init; }
    public IReadOnlyList<AllocationShare> TopAllocations { get; init; } = [];
}

public sealed record StepResult(
    int Calls,
    bool Pass,
    string Verdict,
    int Turns,
    int MissedTurns,
    int CallFailures,
    int CallsCompleted,
    int ErrorEvents,
    int Interruptions,
    Summary? OverheadMs,
    Summary? ClientOverheadMs,
    Summary? PipelineMs,
    Summary? ProviderLagMs,
    Summary? VoiceToVoiceMs,
    Summary? SttMs,
    Summary? LlmTtftMs,
    Summary? TtsTtfbMs,
    Summary? CallSetupMs,
    int ReplyBursts,
    int Underruns,
    Summary? FrameLatenessMs,
    Summary? CallerSendLagMs,
    double ServerCpuPercent,
    double ClientCpuPercent,
    double MachineBusyPercent,
    double ServerCpuMsPerCallSecond,
    int Gen0,
    int Gen1,
    int Gen2,
    double GcPauseMs,
    double GcPausePercent,
    double AllocMbPerSecond,
    double AllocKbPerCallSecond,
    double LockContentionsPerSecond,
    long MaxPendingWorkItems,
    int MaxThreadPoolThreads,
    long Timers,
    double RssMb,
    double? LiveHeapMb,
    double? RssKbPerCall,
    double? LiveHeapKbPerCall,
    double[] LoadAverage,
    string[] FailureSamples)
{
    /// <summary>The types allocated most in the window (sampled by the runtime every ~100 KB).</summary>
    public IReadOnlyList<AllocationShare> TopAllocations { get; init; } = [];

    /// <summary>The server kept up: every turn answered, no call failed, overhead p50 under 100 ms (whatever the p99).</summary>
    public bool Sustained => Turns > 0 && MissedTurns == 0 && CallFailures == 0 && OverheadMs is { P50: < 100 };

    /// <summary>Share of time runnable tasks waited for a CPU (/proc/pressure/cpu "some", 60 s average) at the end of the window.</summary>
    public double? CpuPressurePercent { get; init; }

    /// <summary>How many such calls the server's CPU use would allow on all the machine's cores, were nothing else running.</summary>
    /// Only for a sustained step: a server that falls behind does less work per call-second than it should.
    public int? CpuBoundCapacity => Sustained && ServerCpuMsPerCallSecond > 0 ? (int)(Environment.ProcessorCount * 1000 / ServerCpuMsPerCallSecond) : null;
}

public sealed record AllocationShare(string Type, double KbPerCallSecond);

public sealed record SoakSample(double Seconds, double RssMb, double GcHeapMb, double CommittedMb, double? LiveHeapMb, int ActiveCalls, int Gen2, double ServerCpuPercent)
{
    /// <summary>Memory outside the GC heap: the runtime, native libraries (ONNX Runtime), thread stacks, malloc.</summary>
    public double OutsideGcMb => Math.Round(RssMb - CommittedMb, 1);
}

public sealed record SoakResult(
    int Calls,
    double Minutes,
    int TurnsPerCall,
    IdleInfo Idle,
    StepResult Measured,
    List<SoakSample> Samples,
    double RssFirstMinuteMb,
    double RssLastMinuteMb,
    double RssGrowthMb,
    double RssGrowthPercent,
    double RssSlopeMbPerMinute,
    double GcHeapFirstMinuteMb,
    double GcHeapLastMinuteMb,
    double? LiveHeapAfterFirstMinuteMb,
    double? LiveHeapAtEndMb,
    double? LiveHeapGrowthMb);
