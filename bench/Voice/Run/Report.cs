using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using VoiceAgents.Bench.Voice.Load;

namespace VoiceAgents.Bench.Voice.Run;

/// <summary>Writes a run's results as JSON (everything) and Markdown (the tables a reader wants).</summary>
public static class Report
{
    private static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    };

    /// <summary>Rewrites the Markdown of a results file from its JSON.</summary>
    public static async Task<string> RewriteMarkdownAsync(string json)
    {
        var result = JsonSerializer.Deserialize<BenchResult>(await File.ReadAllTextAsync(json), Json) ?? throw new InvalidDataException(json);
        var md = Path.ChangeExtension(json, ".md");
        await File.WriteAllTextAsync(md, Markdown(result));
        return md;
    }

    public static async Task<(string Json, string Markdown)> WriteAsync(BenchResult result, string dir, string name, string suffix)
    {
        Directory.CreateDirectory(dir);
        var json = Path.Combine(dir, $"{name}.json{suffix}");
        var md = Path.Combine(dir, $"{name}.md{suffix}");
        await File.WriteAllTextAsync(json, JsonSerializer.Serialize(result, Json) + "\n");
        await File.WriteAllTextAsync(md, Markdown(result));
        return (json, md);
    }

    private static string F(double? v) => v is { } x ? x.ToString("0.#", CultureInfo.InvariantCulture) : "–";

    private static string P(Summary? s, Func<Summary, double> pick) => s is null ? "–" : F(pick(s));

    public static string Markdown(BenchResult r)
    {
        var b = new StringBuilder();
        b.AppendLine($"# Voice bench results{(r.Quick ? " (quick check)" : "")}");
        b.AppendLine();
        b.AppendLine($"Run {r.StartedAt:yyyy-MM-dd HH:mm} to {r.FinishedAt:HH:mm} UTC on {r.Machine.Cores} cores ({r.Machine.Cpu}), {r.Machine.Dotnet}. " +
                          $"Load average {string.Join(" ", r.Machine.LoadAverageAtStart)} at the start and {string.Join(" ", r.Machine.LoadAverageAtEnd)} at the end: " +
                          "the machine is shared with other work, so absolute numbers are pessimistic; compare the steps of one run with each other.");
        if (r.Aborted) b.AppendLine().AppendLine($"**The run was aborted:** {r.AbortReason}");
        b.AppendLine();
        if (r.Setup is { } s)
        {
            b.AppendLine($"Callers send {s.CallerSampleRate} Hz PCM16 in real time (20 ms frames, silence included) and say a {F(s.CallerSpeechSeconds)} s flite sentence; " +
                              $"the reply is {F(s.ReplySecondsPerTurn)} s of flite speech in three sentences. Providers are fakes with fixed latencies: STT final {F(s.SttFinalMs)} ms, " +
                              $"LLM first token {F(s.LlmFirstTokenMs)} ms (then a token every {F(s.LlmTokenIntervalMs)} ms), TTS first byte {F(s.TtsFirstByteMs)} ms " +
                              $"({s.TtsStreaming}). With the {F(s.TurnEndMs)} ms turn-end silence that is **{F(s.FixedMs)} ms** a turn; " +
                              "**overhead = voice_to_voice_ms − that**, all of it voice-host's (VAD, resamplers, frame pipeline, pacing, WebSocket, GC, scheduling). " +
                              $"Client overhead is the same figure measured by the caller, from the last sample of its speech to the arrival of the first reply frame. " +
                              $"An underrun is a reply frame arriving after its real-time slot plus a {F(s.JitterBufferMs)} ms jitter buffer. " +
                              $"Steps last {F(s.StepSeconds)} s ({F(s.StepWarmupSeconds)} s warm-up); a step passes with overhead p99 < {F(s.PassP99Ms)} ms, no underruns, no unanswered turns and no failed calls.");
            b.AppendLine();
        }
        b.AppendLine($"Targets (reported, not asserted): {r.Targets.Calls}+ concurrent calls on 2 cores, overhead p99 < {F(r.Targets.OverheadP99Ms)} ms, memory {r.Targets.Memory}.");
        b.AppendLine();

        if (r.Ramp.Count > 0)
        {
            b.AppendLine("## Concurrency ramp");
            b.AppendLine();
            b.AppendLine($"**Most concurrent calls held (overhead p99 < {F(r.Setup?.PassP99Ms)} ms, no underruns): {r.MaxCallsPassing}.** " +
                         $"Most calls sustained (every turn answered, no failed call, overhead p50 < 100 ms): {r.MaxCallsSustained}; the ramp stops at the first step that is not. " +
                         $"Idle server: RSS {F(r.RampIdle?.RssMb)} MB, live heap {F(r.RampIdle?.LiveHeapMb)} MB, CPU {F(r.RampIdle?.CpuPercent)} %.");
            b.AppendLine();
            b.AppendLine("| calls | verdict | turns | overhead p50 / p95 / p99 / max ms | client overhead p50 / p99 ms | underruns / replies | frame lateness p99 / max ms | server CPU % | CPU ms per call-s (CPU-bound capacity) | alloc KB per call-s | GC 0/1/2, pause % | RSS MB (KB/call) | live heap MB (KB/call) | load, CPU pressure % |");
            b.AppendLine("|---:|---|---:|---|---|---|---|---:|---|---:|---|---|---|---|");
            foreach (var x in r.Ramp)
            {
                b.AppendLine($"| {x.Calls} | {x.Verdict} | {x.Turns} | {P(x.OverheadMs, m => m.P50)} / {P(x.OverheadMs, m => m.P95)} / {P(x.OverheadMs, m => m.P99)} / {P(x.OverheadMs, m => m.Max)} | " +
                                  $"{P(x.ClientOverheadMs, m => m.P50)} / {P(x.ClientOverheadMs, m => m.P99)} | {x.Underruns} / {x.ReplyBursts} | {P(x.FrameLatenessMs, m => m.P99)} / {P(x.FrameLatenessMs, m => m.Max)} | " +
                                  $"{F(x.ServerCpuPercent)} | {F(x.ServerCpuMsPerCallSecond)}{(x.CpuBoundCapacity is { } cap ? $" ({cap})" : "")} | {F(x.AllocKbPerCallSecond)} | {x.Gen0}/{x.Gen1}/{x.Gen2}, {F(x.GcPausePercent)} | " +
                                  $"{F(x.RssMb)} ({F(x.RssKbPerCall)}) | {F(x.LiveHeapMb)} ({F(x.LiveHeapKbPerCall)}) | {string.Join(" ", x.LoadAverage.Take(1).Select(v => F(v)))}, {F(x.CpuPressurePercent)} |");
            }
            b.AppendLine();
            b.AppendLine("Where the overhead goes (p50 / p99 ms): *pipeline* is voice-to-voice minus the turn-end silence and the provider latencies as the server measured them " +
                         "(frame hops, sentence split, output, first-frame send); *provider lag* is how much later than promised the fake providers' timers completed " +
                         "(thread-pool and timer delay under load).");
            b.AppendLine();
            b.AppendLine("| calls | pipeline | provider lag | STT | LLM TTFT | TTS TTFB | call setup | caller send lag p99 / max | lock contentions/s | max queued work items | thread-pool threads |");
            b.AppendLine("|---:|---|---|---|---|---|---|---|---:|---:|---:|");
            foreach (var x in r.Ramp)
            {
                string Pair(Summary? m) => $"{P(m, v => v.P50)} / {P(m, v => v.P99)}";
                b.AppendLine($"| {x.Calls} | {Pair(x.PipelineMs)} | {Pair(x.ProviderLagMs)} | {Pair(x.SttMs)} | {Pair(x.LlmTtftMs)} | {Pair(x.TtsTtfbMs)} | {Pair(x.CallSetupMs)} | " +
                                  $"{P(x.CallerSendLagMs, m => m.P99)} / {P(x.CallerSendLagMs, m => m.Max)} | {F(x.LockContentionsPerSecond)} | {x.MaxPendingWorkItems} | {x.MaxThreadPoolThreads} |");
            }
            b.AppendLine();
        }

        if (r.Ramp.Count > 0)
        {
            var top = r.Ramp[^1];
            b.AppendLine($"Most allocated types at {top.Calls} calls (sampled by the runtime every ~100 KB), KB per call-second: " +
                         string.Join(", ", top.TopAllocations.Take(8).Select(a => $"`{a.Type.Replace('`', '\'')}` {F(a.KbPerCallSecond)}")) + ".");
            b.AppendLine();
        }

        if (r.Soak is { } k)
        {
            var m = k.Measured;
            b.AppendLine("## Soak");
            b.AppendLine();
            b.AppendLine($"{k.Calls} concurrent calls for {F(k.Minutes)} minutes against a fresh voice-host; each call has {k.TurnsPerCall} turns, then the caller hangs up and dials again. " +
                              $"Idle server: RSS {F(k.Idle.RssMb)} MB, live heap {F(k.Idle.LiveHeapMb)} MB.");
            b.AppendLine();
            b.AppendLine("| | |");
            b.AppendLine("|---|---|");
            b.AppendLine($"| verdict | {m.Verdict} |");
            b.AppendLine($"| calls completed / failed | {m.CallsCompleted} / {m.CallFailures} |");
            b.AppendLine($"| turns (unanswered) | {m.Turns} ({m.MissedTurns}) |");
            b.AppendLine($"| overhead p50 / p99 / max ms | {P(m.OverheadMs, v => v.P50)} / {P(m.OverheadMs, v => v.P99)} / {P(m.OverheadMs, v => v.Max)} |");
            b.AppendLine($"| underruns / replies | {m.Underruns} / {m.ReplyBursts} |");
            b.AppendLine($"| server CPU % | {F(m.ServerCpuPercent)} |");
            b.AppendLine($"| RSS first minute → last minute | {F(k.RssFirstMinuteMb)} → {F(k.RssLastMinuteMb)} MB ({F(k.RssGrowthMb)} MB, {F(k.RssGrowthPercent)} %) |");
            b.AppendLine($"| RSS trend | {F(k.RssSlopeMbPerMinute)} MB per minute |");
            b.AppendLine($"| GC heap first minute → last minute | {F(k.GcHeapFirstMinuteMb)} → {F(k.GcHeapLastMinuteMb)} MB |");
            var span = Math.Min(60, k.Minutes * 60 / 4) + 0.5;
            var outsideFirst = k.Samples.Where(x => x.Seconds <= span).Select(x => x.OutsideGcMb).DefaultIfEmpty().Average();
            var outsideLast = k.Samples.Where(x => x.Seconds >= k.Minutes * 60 - span).Select(x => x.OutsideGcMb).DefaultIfEmpty().Average();
            b.AppendLine($"| RSS outside the GC heap first minute → last minute | {F(outsideFirst)} → {F(outsideLast)} MB |");
            b.AppendLine($"| live heap (forced GC) after 1 minute → end | {F(k.LiveHeapAfterFirstMinuteMb)} → {F(k.LiveHeapAtEndMb)} MB ({F(k.LiveHeapGrowthMb)} MB) |");
            b.AppendLine();
            b.AppendLine("| t (s) | RSS MB | GC heap MB | GC committed MB | RSS outside the GC heap MB | active calls | gen2 GCs | server CPU % |");
            b.AppendLine("|---:|---:|---:|---:|---:|---:|---:|---:|");
            foreach (var x in k.Samples)
            {
                b.AppendLine($"| {F(x.Seconds)} | {F(x.RssMb)} | {F(x.GcHeapMb)} | {F(x.CommittedMb)} | {F(x.OutsideGcMb)} | {x.ActiveCalls} | {x.Gen2} | {F(x.ServerCpuPercent)} |");
            }
            b.AppendLine();
        }

        if (r.Components is { } c)
        {
            b.AppendLine("## Per-frame costs on one thread");
            b.AppendLine();
            b.AppendLine($"CPU time of the thread. Silero VAD: {F(c.VadUsPerWindow)} µs and {F(c.VadBytesPerWindow)} bytes allocated per 32 ms window run alone, so {F(c.VadCoreShareAt200Calls)} of a core for 200 calls; batched 64 calls at a time (as under load) {F(c.VadBatchedUsPerWindow)} µs of process CPU per window. " +
                              $"Resampling a 20 ms frame: caller → 16 kHz {F(c.ResampleInUsPerFrame)} µs, TTS 16 kHz → caller {F(c.ResampleOutUsPerFrame)} µs, " +
                              $"reply → 16 kHz for the recording {F(c.RecordResampleUsPerFrame)} µs.");
            b.AppendLine();
        }
        if (r.InputPath is { } input)
        {
            b.AppendLine($"The input path alone (resampler → VAD → turns → STT with a null session, {input.Calls} calls in one process, no sockets): " +
                         $"{F(input.CpuMsPerCallSecond)} ms CPU and {F(input.AllocKbPerCallSecond)} KB allocated per call-second. " +
                         $"The output path alone (sentences → fake TTS → pacing and recording, every call always speaking): {F(r.OutputPathCpuMsPerCallSecond)} ms CPU per call-second. " +
                         "What the whole server spends per call-second beyond these is the WebSocket both ways, events, call set-up and GC.");
            b.AppendLine();
        }
        return b.ToString();
    }
}
