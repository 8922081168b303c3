using System.Globalization;

namespace VoiceAgents.Bench.Voice.Run;

/// <summary>Settings of a bench run, from <c>--name=value</c> (or <c>--name value</c>) arguments.</summary>
public sealed record BenchOptions
{
    public bool Quick { get; init; }
    public int[] Steps { get; init; } = [10, 25, 50, 100, 150, 200, 250, 300, 400];
    public TimeSpan StepWarmup { get; init; } = TimeSpan.FromSeconds(10);
    public TimeSpan StepMeasure { get; init; } = TimeSpan.FromSeconds(50);
    public TimeSpan StepGrace { get; init; } = TimeSpan.FromSeconds(6);
    public int SoakCalls { get; init; } = 100;
    public TimeSpan SoakWarmup { get; init; } = TimeSpan.FromSeconds(20);
    public TimeSpan Soak { get; init; } = TimeSpan.FromMinutes(10);
    public TimeSpan SoakSample { get; init; } = TimeSpan.FromSeconds(10);
    public int SoakTurnsPerCall { get; init; } = 3;
    public int FirstTurnSpreadMs { get; init; } = 6000;
    public int Rate { get; init; } = 8000;
    public TimeSpan Jitter { get; init; } = TimeSpan.FromMilliseconds(100);
    public double PassP99Ms { get; init; } = 50;
    public double TargetP99Ms { get; init; } = 20;
    public int TargetCalls { get; init; } = 200;
    public bool Ramp { get; init; } = true;
    public bool SoakEnabled { get; init; } = true;
    public string? ResultsDir { get; init; }
    public int MongoPort { get; init; } = 27417;
    public int S3Port { get; init; } = 4967;
    public int AzuritePort { get; init; } = 10410;

    public static readonly BenchOptions QuickDefaults = new()
    {
        Quick = true,
        Steps = [5, 10],
        StepWarmup = TimeSpan.FromSeconds(4),
        StepMeasure = TimeSpan.FromSeconds(8),
        StepGrace = TimeSpan.FromSeconds(4),
        SoakCalls = 10,
        SoakWarmup = TimeSpan.FromSeconds(4),
        Soak = TimeSpan.FromSeconds(16),
        SoakSample = TimeSpan.FromSeconds(4),
        SoakTurnsPerCall = 1,
        FirstTurnSpreadMs = 1500,
    };

    /// <summary>The longest a run may take before it gives up and reports what it has.</summary>
    public TimeSpan Budget =>
        TimeSpan.FromMinutes(5)
        + (Ramp ? Steps.Length * (StepWarmup + StepMeasure + StepGrace + TimeSpan.FromSeconds(30)) : TimeSpan.Zero)
        + (SoakEnabled ? SoakWarmup + Soak + TimeSpan.FromMinutes(2) : TimeSpan.Zero);

    public const string Usage = """
        usage: VoiceAgents.Bench.Voice [--quick] [--name=value ...]
          --quick                  a few callers for about half a minute, to check the bench works
          --steps=10,25,50,...     concurrent calls of the ramp's steps (default 10,25,50,100,150,200,250,300,400)
          --step-seconds=60        length of a step (the first 10 s are warm-up; --warmup-seconds)
                           (the ramp stops at the first step the server does not sustain: a turn unanswered,
                           a call failed, or overhead p50 over 100 ms)
          --soak-calls=100         calls kept going during the soak (fewer if the ramp passed or sustained fewer)
          --soak-minutes=10        length of the soak; --soak-turns=3 turns per call, then redial
          --rate=8000              the callers' sample rate (8000 telephony, 16000, 48000 browsers)
          --jitter-ms=100          the client's jitter buffer, for counting underruns
          --pass-p99-ms=50         a step passes with overhead p99 below this and no underruns
          --no-ramp / --no-soak    skip a part
          --results-dir=DIR        default bench/results
          --mongo-port / --s3-port / --azurite-port   ports of the bench's own local stack (27417, 4967, 10410-10412)
        """;

    public static BenchOptions Parse(string[] args)
    {
        var o = args.Contains("--quick") ? QuickDefaults : new BenchOptions();
        for (var i = 0; i < args.Length; i++)
        {
            var arg = args[i];
            if (arg == "--quick") continue;
            if (!arg.StartsWith("--", StringComparison.Ordinal)) throw new ArgumentException($"unexpected argument {arg}");
            string name, value;
            var eq = arg.IndexOf('=', StringComparison.Ordinal);
            if (eq > 0)
            {
                (name, value) = (arg[2..eq], arg[(eq + 1)..]);
            }
            else if (arg is "--no-ramp" or "--no-soak")
            {
                (name, value) = (arg[2..], "");
            }
            else
            {
                if (i + 1 >= args.Length) throw new ArgumentException($"{arg} needs a value");
                (name, value) = (arg[2..], args[++i]);
            }
            o = name switch
            {
                "steps" => o with { Steps = value.Split(',').Select(Int).ToArray() },
                "step-seconds" => o with { StepMeasure = Seconds(value) - o.StepWarmup },
                "warmup-seconds" => o with { StepMeasure = o.StepMeasure + o.StepWarmup - Seconds(value), StepWarmup = Seconds(value) },
                "soak-calls" => o with { SoakCalls = Int(value) },
                "soak-minutes" => o with { Soak = TimeSpan.FromMinutes(Double(value)) },
                "soak-turns" => o with { SoakTurnsPerCall = Int(value) },
                "rate" => o with { Rate = Int(value) },
                "jitter-ms" => o with { Jitter = TimeSpan.FromMilliseconds(Double(value)) },
                "pass-p99-ms" => o with { PassP99Ms = Double(value) },
                "no-ramp" => o with { Ramp = false },
                "no-soak" => o with { SoakEnabled = false },
                "results-dir" => o with { ResultsDir = value },
                "mongo-port" => o with { MongoPort = Int(value) },
                "s3-port" => o with { S3Port = Int(value) },
                "azurite-port" => o with { AzuritePort = Int(value) },
                _ => throw new ArgumentException($"unknown option --{name}"),
            };
        }
        if (o.Rate is < 8000 or > 48000 || o.Rate % 50 != 0) throw new ArgumentException("--rate must be 8000 to 48000 and a multiple of 50");
        if (o.StepMeasure <= TimeSpan.Zero) throw new ArgumentException("--step-seconds must be longer than the warm-up");
        return o;
    }

    private static int Int(string s) => int.Parse(s, CultureInfo.InvariantCulture);

    private static double Double(string s) => double.Parse(s, CultureInfo.InvariantCulture);

    private static TimeSpan Seconds(string s) => TimeSpan.FromSeconds(Double(s));
}
