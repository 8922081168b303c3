using System.Globalization;
using VoiceAgents.Bench.Api;
using VoiceAgents.Bench.Offline;
using static VoiceAgents.Bench.Api.BenchHost;

// The offline path measured against references, each side by side in one run (see bench/README.md):
//   voice-to-voice [--label=before] [--rounds=2] [--turns-per-call=5] [--turn=fixed|adaptive]
//   wer                       the pipeline (/twilio at 8 kHz μ-law, /ws at 16 and 48 kHz) vs PocketSphinx fed sox's audio
//   knowledge [--rounds=2]     first reply audio from an agent answering from a knowledge base vs a fixed reply
//   resampler [--seconds=600]  voice-host's Resampler vs libsoxr: throughput and quality
var settings = BenchSettings.Load(args);
string? Text(string name) => args.FirstOrDefault(a => a.StartsWith($"--{name}=", StringComparison.Ordinal))?[(name.Length + 3)..];
int Arg(string name, int fallback) => Text(name) is { } v ? int.Parse(v, CultureInfo.InvariantCulture) : fallback;
var ct = CancelOnCtrlC();
if (!SoxCli.IsInstalled) throw new InvalidOperationException("sox is needed: ./test.sh or ./run.sh installs it (infra/local/prereqs.sh), or apt-get install sox libsoxr0");

switch (args.FirstOrDefault(a => !a.StartsWith("--", StringComparison.Ordinal)))
{
    case "voice-to-voice":
        await VoiceToVoice.RunAsync(settings, Text("label") ?? "latest", Arg("rounds", 2), Arg("turns-per-call", 5), Text("turn"), ct);
        break;
    case "wer":
        await PipelineWer.RunAsync(settings, ct);
        break;
    case "knowledge":
        await KnowledgeVoice.RunAsync(settings, Arg("rounds", 2), ct);
        break;
    case "resampler":
        await ResamplerBench.RunAsync(settings, Arg("seconds", 600), ct);
        break;
    default:
        Console.Error.WriteLine("usage: dotnet run -c Release --project bench/Offline -- voice-to-voice [--label=before] | wer | knowledge | resampler");
        return 2;
}
return 0;
