using VoiceAgents.Bench.Voice.Run;
using VoiceAgents.Bench.Voice.Server;

if (args.Length > 0 && args[0] == "server") return await BenchServer.RunAsync(args[1..]);
if (args.Length > 0 && args[0] == "components")
{
    // The per-frame costs alone, for working on the hot path: components [rate]
    var model = Path.Combine(Machine.RepoRoot(), "infra", "local", ".runtime", "models", "silero_vad_v5.onnx");
    var rate = args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 8000;
    Console.WriteLine(Components.Measure(model, rate));
    Console.WriteLine($"input pipeline, 20 calls: {await InputPipeline.MeasureAsync(model, rate, 20, TimeSpan.FromSeconds(10))} (CPU ms, KB allocated per call-second)");
    Console.WriteLine($"output pipeline, 20 calls always speaking: {await OutputPipeline.MeasureAsync(rate, 20, TimeSpan.FromSeconds(10))} CPU ms per call-second");
    return 0;
}
if (args.Length > 1 && args[0] == "report")
{
    // Rewrites voice.md from voice.json, after a change to the report's layout.
    Console.WriteLine(await Report.RewriteMarkdownAsync(args[1]));
    return 0;
}
if (args.Length > 0 && args[0] == "flood")
{
    // Callers flooding audio for a minute: voice-host's memory before, during and after (bench/results/flood.*).
    var (flood, rest) = FloodOptions.Parse(args[1..]);
    return await new BenchRunner(BenchOptions.Parse(rest)).RunFloodAsync(flood);
}
if (args.Length > 0 && args[0] == "call-auth")
{
    // Auth cost at /ws, call token vs member JWT: call-auth [attempts of each, default 200] [bench options]
    var rest = args[1..];
    var attempts = 200;
    if (rest.Length > 0 && int.TryParse(rest[0], System.Globalization.CultureInfo.InvariantCulture, out var n))
    {
        attempts = n;
        rest = rest[1..];
    }
    return await new BenchRunner(BenchOptions.Parse(rest)).RunCallAuthAsync(attempts);
}
if (args.Contains("--help") || args.Contains("-h"))
{
    Console.WriteLine(BenchOptions.Usage);
    return 0;
}
BenchOptions options;
try
{
    options = BenchOptions.Parse(args);
}
catch (Exception e) when (e is ArgumentException or FormatException)
{
    Console.Error.WriteLine($"bench: {e.Message}");
    Console.Error.WriteLine(BenchOptions.Usage);
    return 2;
}
return await new BenchRunner(options).RunAsync();
