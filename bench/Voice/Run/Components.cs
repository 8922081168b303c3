using System.Runtime.InteropServices;
using VoiceAgents.VoiceHost.Audio;
using VoiceAgents.VoiceHost.Configuration;
using VoiceAgents.VoiceHost.Metrics;
using VoiceAgents.VoiceHost.Pipeline.Frames;
using VoiceAgents.VoiceHost.Pipeline;
using VoiceAgents.VoiceHost.Processors;
using VoiceAgents.VoiceHost.Providers;
using VoiceAgents.VoiceHost.Transport;
using VoiceAgents.VoiceHost.Vad;

namespace VoiceAgents.Bench.Voice.Run;

/// <summary>
/// Single-thread costs of the per-frame work every call does, to set against the CPU the server spends per call.
/// Times are the thread's own CPU time, so other processes on the machine do not inflate them.
/// </summary>
public static partial class Components
{
    public sealed record Costs(
        double VadUsPerWindow,
        double VadBytesPerWindow,
        double VadCoreShareAt200Calls,
        double ResampleInUsPerFrame,
        double ResampleOutUsPerFrame,
        double RecordResampleUsPerFrame,
        double VadBatchedUsPerWindow = 0);

    /// <summary>CPU time of the calling thread (CLOCK_THREAD_CPUTIME_ID), in microseconds.</summary>
    public static double ThreadCpuUs()
    {
        clock_gettime(3, out var ts);
        return ts.Seconds * 1e6 + ts.Nanoseconds / 1e3;
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct TimeSpec
    {
        public long Seconds;
        public long Nanoseconds;
    }

    [LibraryImport("libc", SetLastError = false)]
    private static partial int clock_gettime(int clock, out TimeSpec time);

    public static Costs Measure(string vadModel, int callerRate)
    {
        using var vad = new SileroVad(vadModel);
        var stream = vad.NewStream();
        var (speech, rate) = Scenario.Speak(Scenario.CallerText, "kal16");
        var pcm16k = Scenario.Resample(speech, rate, SileroVad.SampleRate);
        var windows = pcm16k.Length / SileroVad.WindowSamples;
        var window = 0;
        float Next() => stream.Process(pcm16k.AsSpan((window++ % windows) * SileroVad.WindowSamples, SileroVad.WindowSamples));
        for (var i = 0; i < 300; i++) Next();
        var n = 3000;
        var allocated = GC.GetAllocatedBytesForCurrentThread();
        var cpu = ThreadCpuUs();
        for (var i = 0; i < n; i++) Next();
        var vadUs = (ThreadCpuUs() - cpu) / n;
        var vadBytes = (GC.GetAllocatedBytesForCurrentThread() - allocated) / (double)n;

        var frameIn = callerRate / 50;
        var inbound = new Resampler(callerRate, 16000);
        var outbound = new Resampler(16000, callerRate);
        var record = new Resampler(callerRate, 16000);
        var input = Scenario.Resample(pcm16k, 16000, callerRate);
        var output = new short[4096];
        double Time(Resampler r, short[] source, int frame)
        {
            var frames = source.Length / frame;
            for (var i = 0; i < 200; i++) r.Process(source.AsSpan(i % frames * frame, frame), output);
            var c = ThreadCpuUs();
            for (var i = 0; i < 5000; i++) r.Process(source.AsSpan(i % frames * frame, frame), output);
            return (ThreadCpuUs() - c) / 5000;
        }
        var inUs = callerRate == 16000 ? 0 : Time(inbound, input, frameIn);
        var outUs = callerRate == 16000 ? 0 : Time(outbound, pcm16k, 320);
        var recUs = callerRate == 16000 ? 0 : Time(record, input, frameIn);
        // 31.25 windows a second per call.
        var share = vadUs * 31.25 * 200 / 1e6;
        var batchedUs = Batched(vad, pcm16k, windows);
        return new Costs(Math.Round(vadUs, 1), Math.Round(vadBytes), Math.Round(share, 3), Math.Round(inUs, 2), Math.Round(outUs, 2), Math.Round(recUs, 2), Math.Round(batchedUs, 1));
    }

    /// <summary>
    /// Process CPU per window when 64 calls' windows arrive together, as they do under load: the VAD's worker runs
    /// them as one batched inference.
    /// </summary>
    private static double Batched(SileroVad vad, short[] pcm16k, int windows)
    {
        var streams = Enumerable.Range(0, 64).Select(_ => vad.NewStream()).ToArray();
        var window = 0;
        void Round() => Task.WhenAll(streams.Select(s => s.ProcessAsync(pcm16k.AsSpan((window++ % windows) * SileroVad.WindowSamples, SileroVad.WindowSamples)).AsTask())).Wait();
        for (var i = 0; i < 10; i++) Round();
        const int rounds = 100;
        var cpu = System.Diagnostics.Process.GetCurrentProcess().TotalProcessorTime;
        for (var i = 0; i < rounds; i++) Round();
        return (System.Diagnostics.Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalMicroseconds / (rounds * streams.Length);
    }
}

/// <summary>
/// The input path of real calls without sockets: for each call a pipeline of resampler → VAD → turns → STT (a
/// null session) fed with a 20 ms frame every 20 ms, as voice-host's receive loops feed it. Process CPU time per
/// call-second is the cost; it does not depend on what else the machine runs.
/// </summary>
public static class InputPipeline
{
    private sealed class NullStt : VoiceAgents.VoiceHost.Providers.ISttSession
    {
        public ValueTask SendAudioAsync(ReadOnlyMemory<short> pcm16k, CancellationToken ct) => ValueTask.CompletedTask;

        public ValueTask<VoiceAgents.VoiceHost.Providers.SttResult> FinalizeAsync(CancellationToken ct) => ValueTask.FromResult(new VoiceAgents.VoiceHost.Providers.SttResult("", true));

        public async IAsyncEnumerable<VoiceAgents.VoiceHost.Providers.SttResult> InterimResultsAsync([System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct)
        {
            await Task.CompletedTask;
            yield break;
        }

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }

    /// <summary>CPU milliseconds per call-second of the input path, and the process's allocation per call-second in KB.</summary>
    public static async Task<(double CpuMsPerCallSecond, double KbPerCallSecond)> MeasureAsync(string model, int rate, int calls, TimeSpan duration)
    {
        using var vad = new SileroVad(model);
        var (speech, speechRate) = Scenario.Speak(Scenario.CallerText, "kal16");
        var audio = Scenario.Resample(speech, speechRate, rate).Concat(new short[rate * 2]).ToArray();
        var frame = rate / 50;
        var frames = Enumerable.Range(0, audio.Length / frame).Select(i => MemoryMarshal.AsBytes(audio.AsSpan(i * frame, frame)).ToArray()).ToArray();
        var agent = new VoiceAgents.Core.Domain.Agent { Id = "bench", TenantId = "bench", UserId = "bench", Name = "bench" };
        var folder = Path.Combine(Path.GetTempPath(), "bench-voice-input");
        var pipelines = new List<(VoiceAgents.VoiceHost.Pipeline.Pipeline Pipeline, VoiceAgents.VoiceHost.Audio.CallRecorder Recorder)>();
        for (var i = 0; i < calls; i++)
        {
            var recorder = new VoiceAgents.VoiceHost.Audio.CallRecorder(folder);
            var context = new VoiceAgents.VoiceHost.Processors.CallContext($"c{i}", "bench", agent, TimeProvider.System, new VoiceAgents.VoiceHost.Configuration.VoiceOptions(), recorder, Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance);
            var pipeline = new VoiceAgents.VoiceHost.Pipeline.Pipeline(
                new VoiceAgents.VoiceHost.Processors.ResamplerProcessor(context),
                new VoiceAgents.VoiceHost.Processors.VadProcessor(context, vad.NewStream()),
                new VoiceAgents.VoiceHost.Processors.TurnProcessor(context),
                new VoiceAgents.VoiceHost.Processors.SttProcessor(context, _ => ValueTask.FromResult<VoiceAgents.VoiceHost.Providers.ISttSession>(new NullStt())));
            pipeline.Start(new VoiceAgents.VoiceHost.Pipeline.Frames.StartFrame(16000, rate));
            pipelines.Add((pipeline, recorder));
        }

        void Feed(int tick)
        {
            for (var i = 0; i < pipelines.Count; i++)
            {
                // Calls are out of step with each other, as real ones are.
                var bytes = frames[(tick + i * 37) % frames.Length];
                pipelines[i].Pipeline.Enqueue(new VoiceAgents.VoiceHost.Pipeline.Frames.InputAudioFrame(AudioChunk.FromBytes(bytes, rate)));
            }
        }

        var ticks = (int)(duration.TotalSeconds * 50);
        for (var t = 0; t < 100; t++)
        {
            Feed(t);
            Thread.Sleep(20);
        }
        var process = System.Diagnostics.Process.GetCurrentProcess();
        process.Refresh();
        var cpu = process.TotalProcessorTime;
        var allocated = GC.GetTotalAllocatedBytes(false);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        for (var t = 0; t < ticks; t++)
        {
            Feed(t);
            var due = TimeSpan.FromMilliseconds(20 * (t + 1)) - clock.Elapsed;
            if (due > TimeSpan.Zero) Thread.Sleep(due);
        }
        await Task.Delay(200);
        process.Refresh();
        var used = (process.TotalProcessorTime - cpu).TotalMilliseconds;
        var bytesUsed = GC.GetTotalAllocatedBytes(false) - allocated;
        foreach (var (pipeline, recorder) in pipelines)
        {
            await pipeline.StopAsync();
            await recorder.DisposeAsync();
        }
        var callSeconds = calls * ticks / 50.0;
        return (Math.Round(used / callSeconds, 2), Math.Round(bytesUsed / 1024.0 / callSeconds, 1));
    }
}

/// <summary>
/// The output path of real calls without sockets: sentence → TTS (the fixed-latency fake) → output pacing and
/// recording, one reply after another, so every call is always speaking. Process CPU per call-second.
/// </summary>
public static class OutputPipeline
{
    private sealed class NullEvents : VoiceAgents.VoiceHost.Transport.IClientEvents
    {
        public void Send(VoiceAgents.VoiceHost.Transport.ClientEvent e)
        {
        }

        public ValueTask SendAudioAsync(ReadOnlyMemory<short> samples, CancellationToken ct) => ValueTask.CompletedTask;
    }

    public static async Task<double> MeasureAsync(int rate, int calls, TimeSpan duration)
    {
        var tts = new Server.FixedLatencyTts(Server.FixedLatencyTts.Record());
        var agent = new VoiceAgents.Core.Domain.Agent { Id = "bench", TenantId = "bench", UserId = "bench", Name = "bench" };
        var folder = Path.Combine(Path.GetTempPath(), "bench-voice-output");
        var pipelines = new List<(VoiceAgents.VoiceHost.Pipeline.Pipeline Pipeline, VoiceAgents.VoiceHost.Audio.CallRecorder Recorder)>();
        using var stop = new CancellationTokenSource();
        var feeders = new List<Task>();
        for (var i = 0; i < calls; i++)
        {
            var recorder = new VoiceAgents.VoiceHost.Audio.CallRecorder(folder);
            var context = new VoiceAgents.VoiceHost.Processors.CallContext($"c{i}", "bench", agent, TimeProvider.System, new VoiceAgents.VoiceHost.Configuration.VoiceOptions(), recorder, Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance);
            var metrics = new VoiceAgents.VoiceHost.Metrics.VoiceMetrics();
            var pipeline = new VoiceAgents.VoiceHost.Pipeline.Pipeline(
                new VoiceAgents.VoiceHost.Processors.SentenceProcessor(context),
                new VoiceAgents.VoiceHost.Processors.TtsProcessor(context, tts, rate),
                new VoiceAgents.VoiceHost.Processors.OutputTransport(context, new NullEvents(), rate, metrics));
            pipeline.Start(new VoiceAgents.VoiceHost.Pipeline.Frames.StartFrame(16000, rate));
            pipelines.Add((pipeline, recorder));
            var offset = i * 97 % 1000;
            feeders.Add(Task.Run(async () =>
            {
                await Task.Delay(offset, stop.Token);
                while (!stop.IsCancellationRequested)
                {
                    pipeline.Enqueue(new VoiceAgents.VoiceHost.Pipeline.Frames.LlmResponseStartFrame());
                    foreach (var token in Scenario.ReplyTokens) pipeline.Enqueue(new VoiceAgents.VoiceHost.Pipeline.Frames.LlmTextFrame(token));
                    pipeline.Enqueue(new VoiceAgents.VoiceHost.Pipeline.Frames.LlmResponseEndFrame());
                    // A reply lasts ~5.9 s; the next one is queued before it ends, so the output never idles.
                    await Task.Delay(5000, stop.Token);
                }
            }, CancellationToken.None));
        }
        await Task.Delay(TimeSpan.FromSeconds(2));
        var process = System.Diagnostics.Process.GetCurrentProcess();
        process.Refresh();
        var cpu = process.TotalProcessorTime;
        var clock = System.Diagnostics.Stopwatch.StartNew();
        await Task.Delay(duration);
        process.Refresh();
        var used = (process.TotalProcessorTime - cpu).TotalMilliseconds;
        var seconds = clock.Elapsed.TotalSeconds;
        await stop.CancelAsync();
        await Task.WhenAll(feeders).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        foreach (var (pipeline, recorder) in pipelines)
        {
            await pipeline.StopAsync();
            await recorder.DisposeAsync();
        }
        return Math.Round(used / (calls * seconds), 2);
    }
}
