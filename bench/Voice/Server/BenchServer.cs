using System.Diagnostics;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using VoiceAgents.VoiceHost.Calls;
using VoiceAgents.VoiceHost.Metrics;
using VoiceAgents.VoiceHost.Providers;
using VoiceAgents.VoiceHost;

namespace VoiceAgents.Bench.Voice.Server;

/// <summary>
/// <c>server</c> mode: the real voice-host (VAD, resamplers, pipeline, pacing, WebSocket, recording) with the
/// fixed-latency providers in place of the "local" STT/TTS and the "rules" LLM, plus <c>/bench/stats</c>. It runs
/// in a process of its own, so the load generator's work is not counted as the platform's.
/// </summary>
public static class BenchServer
{
    public const string ReadyMarker = "BENCH-SERVER-LISTENING ";

    public static async Task<int> RunAsync(string[] args)
    {
        var speech = FixedLatencyTts.Record();
        using var allocations = new AllocationSampler();
        var app = VoiceHostApp.Create(args, b =>
        {
            b.Services.RemoveAllKeyed<ISttProvider>("local");
            b.Services.RemoveAllKeyed<ILlmProvider>("rules");
            b.Services.RemoveAllKeyed<ITtsProvider>("local");
            b.Services.AddKeyedSingleton<ISttProvider, FixedLatencyStt>("local");
            b.Services.AddKeyedSingleton<ILlmProvider, FixedLatencyLlm>("rules");
            b.Services.AddKeyedSingleton<ITtsProvider>("local", new FixedLatencyTts(speech));
            // Thousands of calls: the recording is still read back and written, but to nowhere.
            b.Services.RemoveAll<ICallSink>();
            b.Services.AddSingleton<ICallSink, DiscardingCallSink>();
        });
        app.MapGet("/bench/allocations", () => Results.Json(allocations.Drain().Take(40).Select(p => new { type = p.Key, mb = Math.Round(p.Value / 1048576.0, 1) })));
        app.MapGet("/bench/stats", (HttpContext http, VoiceMetrics metrics) => Results.Json(Stats.Take(http.Request.Query.ContainsKey("gc"), metrics.Active)));
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        Console.Out.WriteLine(ReadyMarker + address);
        Console.Out.Flush();
        await app.WaitForShutdownAsync();
        return 0;
    }

    private sealed class DiscardingCallSink : ICallSink
    {
        public Task AcceptAsync(CallCompleted call, Func<Stream, CancellationToken, Task> writeRecording, CancellationToken ct) =>
            writeRecording(Stream.Null, ct);
    }
}

/// <summary>A snapshot of the server process: CPU, memory, GC, thread pool and lock contention.</summary>
public sealed record Stats(
    double CpuMs,
    long RssBytes,
    long GcHeapBytes,
    long GcCommittedBytes,
    long? LiveHeapBytes,
    int Gen0,
    int Gen1,
    int Gen2,
    long AllocatedBytes,
    double GcPauseMs,
    int ThreadPoolThreads,
    long PendingWorkItems,
    long CompletedWorkItems,
    long LockContentions,
    long Timers,
    int ActiveCalls)
{
    /// <summary>With <paramref name="collect"/>, a full blocking GC first, so <see cref="LiveHeapBytes"/> is what is still referenced.</summary>
    public static Stats Take(bool collect, int activeCalls)
    {
        long? live = null;
        if (collect)
        {
            GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
            GC.WaitForPendingFinalizers();
            GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
            live = GC.GetTotalMemory(false);
        }
        using var process = Process.GetCurrentProcess();
        return new Stats(
            process.TotalProcessorTime.TotalMilliseconds,
            process.WorkingSet64,
            GC.GetTotalMemory(false),
            GC.GetGCMemoryInfo().TotalCommittedBytes,
            live,
            GC.CollectionCount(0),
            GC.CollectionCount(1),
            GC.CollectionCount(2),
            GC.GetTotalAllocatedBytes(false),
            GC.GetTotalPauseDuration().TotalMilliseconds,
            ThreadPool.ThreadCount,
            ThreadPool.PendingWorkItemCount,
            ThreadPool.CompletedWorkItemCount,
            Monitor.LockContentionCount,
            Timer.ActiveCount,
            activeCalls);
    }
}
