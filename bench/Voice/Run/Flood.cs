using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using VoiceAgents.Bench.Voice.Server;
using VoiceAgents.Client;

namespace VoiceAgents.Bench.Voice.Run;

/// <summary>The flood scenario's settings: <c>flood [--seconds=60] [--callers=10] [--warmup-seconds=5] [--settle-seconds=90] [--results-dir=DIR]</c>.</summary>
/// <param name="Settle">
/// How long after a flood memory is taken (after the warm-up flood, and again after the flood): the runtime's array
/// pool drops buffers unused for a minute, and Kestrel's memory pool evicts idle blocks, so right after a flood
/// they still hold what it pooled.
/// </param>
public sealed record FloodOptions(TimeSpan Duration, int Callers, TimeSpan Warmup, TimeSpan Settle)
{
    public static (FloodOptions Flood, string[] Others) Parse(string[] args)
    {
        var flood = new FloodOptions(TimeSpan.FromSeconds(60), 10, TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(90));
        var rest = new List<string>();
        foreach (var arg in args)
        {
            if (arg.StartsWith("--seconds=", StringComparison.Ordinal)) flood = flood with { Duration = Seconds(arg[10..]) };
            else if (arg.StartsWith("--callers=", StringComparison.Ordinal)) flood = flood with { Callers = int.Parse(arg[10..], CultureInfo.InvariantCulture) };
            else if (arg.StartsWith("--settle-seconds=", StringComparison.Ordinal)) flood = flood with { Settle = Seconds(arg[17..]) };
            else if (arg.StartsWith("--warmup-seconds=", StringComparison.Ordinal)) flood = flood with { Warmup = Seconds(arg[17..]) };
            else rest.Add(arg);
        }
        return (flood, rest.ToArray());
    }

    private static TimeSpan Seconds(string s) => TimeSpan.FromSeconds(double.Parse(s, CultureInfo.InvariantCulture));
}

/// <summary>Memory and what the flooders saw: voice-host's answer to callers who send audio as fast as the socket takes it.</summary>
public sealed record FloodResult(
    double DurationSeconds,
    int Callers,
    long Connections,
    long Ready,
    long BytesSent,
    double AudioSecondsSent,
    double LongestConnectionAudioSeconds,
    Dictionary<string, long> CloseCodes,
    double IdleRssMb,
    double IdleLiveHeapMb,
    double PeakRssMb,
    double PeakGcHeapMb,
    int PeakActiveCalls,
    double AfterRssMb,
    double AfterLiveHeapMb,
    double WarmupSeconds,
    double SettleSeconds,
    double SettledRssMb,
    double SettledLiveHeapMb,
    double SecondsUntilNoCalls,
    bool ReturnedToIdle,
    List<FloodSample> Samples)
{
    public DateTimeOffset StartedAt { get; init; }
    public MachineInfo? Machine { get; init; }
}

public sealed record FloodSample(double Seconds, double RssMb, double GcHeapMb, int ActiveCalls);

/// <summary>Runs the flood against one voice-host process; see <see cref="BenchRunner.RunFloodAsync"/>.</summary>
public sealed class Flood(ServerProcess server, string agentId, Func<string> token, FloodOptions options, Action<string> log)
{
    private const double Mb = 1024 * 1024;
    private const int SampleRate = 16000;

    /// <summary>The live heap after the flood may exceed the idle one by this much and still count as back to idle.</summary>
    public const double ToleranceMb = 5;

    private static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    };

    private readonly ConcurrentDictionary<string, long> _closes = new();
    private long _connections;
    private long _ready;
    private long _bytes;
    private long _longest;

    public async Task<FloodResult> RunAsync(CancellationToken ct)
    {
        // A short flood first, then the settle: what the flood's code paths create once (JIT, caches, pools at their
        // resting size) is in the idle figure, so the comparison shows only what the real flood leaves behind.
        log($"flood: a {options.Warmup.TotalSeconds:0} s warm-up flood, then {options.Settle.TotalSeconds:0} s to settle");
        await FloodAsync(options.Warmup, ct);
        while ((await server.StatsAsync(false, ct)).ActiveCalls > 0) await Task.Delay(200, ct);
        await Task.Delay(options.Settle, ct);
        ResetCounts();
        var idle = await server.StatsAsync(collect: true, ct);
        log($"flood: idle RSS {idle.RssBytes / Mb:F1} MB, live heap {idle.LiveHeapBytes!.Value / Mb:F1} MB; {options.Callers} callers flood for {options.Duration.TotalSeconds:0} s");
        var samples = new List<FloodSample>();
        var clock = Stopwatch.StartNew();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        stop.CancelAfter(options.Duration);
        var callers = Enumerable.Range(0, options.Callers).Select(_ => Task.Run(() => CallerAsync(stop.Token), CancellationToken.None)).ToList();
        while (!stop.IsCancellationRequested)
        {
            var s = await server.StatsAsync(false, ct);
            samples.Add(new FloodSample(Math.Round(clock.Elapsed.TotalSeconds, 1), Math.Round(s.RssBytes / Mb, 1), Math.Round(s.GcHeapBytes / Mb, 1), s.ActiveCalls));
            if (samples.Count % 10 == 0) log($"  {clock.Elapsed.TotalSeconds:0} s: RSS {s.RssBytes / Mb:F0} MB, GC heap {s.GcHeapBytes / Mb:F0} MB, {s.ActiveCalls} calls, {Interlocked.Read(ref _connections)} connections so far");
            await Task.WhenAny(Task.Delay(TimeSpan.FromSeconds(1), CancellationToken.None), Task.Delay(Timeout.Infinite, stop.Token));
        }
        await Task.WhenAll(callers);
        var flooded = clock.Elapsed;

        // Until the last call is ended and handed off.
        var ended = Stopwatch.StartNew();
        Stats now;
        while ((now = await server.StatsAsync(false, ct)).ActiveCalls > 0 && ended.Elapsed < TimeSpan.FromSeconds(60)) await Task.Delay(200, ct);
        var untilNoCalls = ended.Elapsed.TotalSeconds;
        await Task.Delay(TimeSpan.FromSeconds(5), ct);
        var after = await server.StatsAsync(collect: true, ct);
        log($"flood: 5 s after the flood RSS {after.RssBytes / Mb:F1} MB, live heap {after.LiveHeapBytes!.Value / Mb:F1} MB; again in {options.Settle.TotalSeconds:0} s (pid {server.Pid})");
        await Task.Delay(options.Settle, ct);
        var settled = await server.StatsAsync(collect: true, ct);
        var idleLive = idle.LiveHeapBytes!.Value / Mb;
        var settledLive = settled.LiveHeapBytes!.Value / Mb;
        var bytes = Interlocked.Read(ref _bytes);
        var result = new FloodResult(
            Math.Round(flooded.TotalSeconds, 1), options.Callers, _connections, _ready, bytes, Math.Round(bytes / 2.0 / SampleRate, 1),
            Math.Round(Interlocked.Read(ref _longest) / 2.0 / SampleRate, 2),
            _closes.OrderBy(c => c.Key, StringComparer.Ordinal).ToDictionary(c => c.Key, c => c.Value),
            Math.Round(idle.RssBytes / Mb, 1), Math.Round(idleLive, 1),
            samples.Count == 0 ? 0 : samples.Max(s => s.RssMb), samples.Count == 0 ? 0 : samples.Max(s => s.GcHeapMb), samples.Count == 0 ? 0 : samples.Max(s => s.ActiveCalls),
            Math.Round(after.RssBytes / Mb, 1), Math.Round(after.LiveHeapBytes!.Value / Mb, 1),
            options.Warmup.TotalSeconds, options.Settle.TotalSeconds, Math.Round(settled.RssBytes / Mb, 1), Math.Round(settledLive, 1), Math.Round(untilNoCalls, 1),
            now.ActiveCalls == 0 && settledLive <= idleLive + ToleranceMb, samples);
        log($"flood: {result.Connections} connections ({result.Ready} ready), {result.AudioSecondsSent} s of audio sent in {result.DurationSeconds} s, " +
            $"closes {string.Join(", ", result.CloseCodes.Select(c => $"{c.Key}×{c.Value}"))}; RSS idle {result.IdleRssMb} → peak {result.PeakRssMb} → after {result.AfterRssMb} MB, " +
            $"live heap idle {result.IdleLiveHeapMb} → after {result.AfterLiveHeapMb} → settled {result.SettledLiveHeapMb} MB: {(result.ReturnedToIdle ? "back to idle" : "NOT back to idle")}");
        return result;
    }

    private async Task FloodAsync(TimeSpan duration, CancellationToken ct)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        stop.CancelAfter(duration);
        await Task.WhenAll(Enumerable.Range(0, options.Callers).Select(_ => Task.Run(() => CallerAsync(stop.Token), CancellationToken.None)));
    }

    private void ResetCounts()
    {
        _closes.Clear();
        _connections = _ready = _bytes = _longest = 0;
    }

    /// <summary>One flooder: connect, authenticate, send 20 ms frames as fast as the socket takes them until closed; again until the time is up.</summary>
    private async Task CallerAsync(CancellationToken stop)
    {
        var frame = new byte[SampleRate / 50 * 2];
        while (!stop.IsCancellationRequested)
        {
            await using var client = new VoiceCallClient();
            Interlocked.Increment(ref _connections);
            long sent = 0;
            try
            {
                await client.ConnectAsync(server.WebSocket, stop);
                try
                {
                    await client.AuthenticateAsync(token(), agentId, SampleRate, ct: stop);
                }
                catch (VoiceCallClosedException)
                {
                    Count(client.CloseStatus);
                    continue;
                }
                Interlocked.Increment(ref _ready);
                while (!client.Closed.IsCompleted && client.State == WebSocketState.Open)
                {
                    await client.SendAudioAsync(frame, stop);
                    sent += frame.Length;
                }
                await client.Closed.WaitAsync(TimeSpan.FromSeconds(10), CancellationToken.None);
                Count(client.CloseStatus);
            }
            catch (Exception e) when (e is WebSocketException or OperationCanceledException or TimeoutException)
            {
                if (stop.IsCancellationRequested) Count(null, "stopped by the bench");
                else Count(client.CloseStatus, client.CloseStatus is null ? e.GetType().Name : null);
            }
            finally
            {
                Interlocked.Add(ref _bytes, sent);
                long longest;
                while (sent > (longest = Interlocked.Read(ref _longest)) && Interlocked.CompareExchange(ref _longest, sent, longest) != longest)
                {
                }
                if (client.State == WebSocketState.Open) client.Abort();
            }
        }
    }

    private void Count(WebSocketCloseStatus? status, string? other = null) =>
        _closes.AddOrUpdate(other ?? (status is { } s ? ((int)s).ToString(CultureInfo.InvariantCulture) : "no close"), 1, (_, n) => n + 1);

    public static async Task<(string Json, string Markdown)> WriteAsync(FloodResult r, string dir)
    {
        Directory.CreateDirectory(dir);
        var json = Path.Combine(dir, "flood.json");
        var md = Path.Combine(dir, "flood.md");
        await File.WriteAllTextAsync(json, JsonSerializer.Serialize(r, Json) + "\n");
        var b = new StringBuilder();
        b.AppendLine("# Audio flood");
        b.AppendLine();
        b.AppendLine($"Run {r.StartedAt:yyyy-MM-dd HH:mm} UTC on {r.Machine?.Cores} cores ({r.Machine?.Cpu}), load average {string.Join(" ", r.Machine?.LoadAverageAtStart ?? [])} at the end. " +
                     $"{r.Callers} callers of one tenant each connect to a fresh voice-host, authenticate, and send 16 kHz audio in 20 ms frames as fast as the socket " +
                     $"takes them; when voice-host closes the call they connect again, for {r.DurationSeconds:0.#} s. voice-host takes real time plus a 2 s burst " +
                     "(`Voice:AudioBurst`) and closes a call that sends more with 4429.");
        b.AppendLine();
        b.AppendLine($"Idle is measured after a warm-up call, a {r.WarmupSeconds:0} s warm-up flood and {r.SettleSeconds:0} s of quiet, so that what the flood's code " +
                     "paths create once (JIT, caches) is in it and only what the flood leaves behind shows.");
        b.AppendLine();
        b.AppendLine("| | RSS (MB) | GC heap (MB) |");
        b.AppendLine("|---|---|---|");
        b.AppendLine($"| idle, after a forced GC | {r.IdleRssMb} | {r.IdleLiveHeapMb} (live) |");
        b.AppendLine($"| peak during the flood (sampled each second) | {r.PeakRssMb} | {r.PeakGcHeapMb} |");
        b.AppendLine($"| 5 s after the flood, no call left, forced GC | {r.AfterRssMb} | {r.AfterLiveHeapMb} (live) |");
        b.AppendLine($"| {r.SettleSeconds:0} s later, forced GC | {r.SettledRssMb} | {r.SettledLiveHeapMb} (live) |");
        b.AppendLine();
        b.AppendLine($"**{(r.ReturnedToIdle ? "Back to idle" : "Not back to idle")}:** {(r.ReturnedToIdle ? "" : "not ")}within {ToleranceMb} MB of the idle live heap once settled " +
                     $"({r.SettledLiveHeapMb} vs {r.IdleLiveHeapMb} MB); the last call was gone {r.SecondsUntilNoCalls} s after the flood stopped. Right after the flood the " +
                     "live heap still holds the buffers the runtime's and Kestrel's pools kept (a 64 KiB receive buffer per connection, socket blocks); they let go " +
                     "of what stays unused for a minute. RSS stays above idle by what the server GC keeps committed for reuse; it is not referenced memory.");
        b.AppendLine();
        b.AppendLine($"Connections {r.Connections}, of which {r.Ready} got `ready`; at most {r.PeakActiveCalls} calls live at once. The callers pushed {r.AudioSecondsSent} s of audio " +
                     $"({r.BytesSent / Mb:F1} MB) into their sockets, at most {r.LongestConnectionAudioSeconds} s on one connection (what the socket buffers took before the close arrived; " +
                     "voice-host read at most the burst of it). Close codes: " + string.Join(", ", r.CloseCodes.Select(c => $"`{c.Key}` × {c.Value}")) + ".");
        await File.WriteAllTextAsync(md, b.ToString());
        return (json, md);
    }
}
