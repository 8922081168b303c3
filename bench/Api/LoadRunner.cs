using System.Diagnostics;

namespace VoiceAgents.Bench.Api;

public sealed record ScenarioResult(
    string Name, string Request, int Concurrency, double DurationSeconds, string? LoadAverageBefore, long Requests, long Ok, long TooManyRequests, long Errors,
    double OkPerSecond, double? P50Ms, double? P90Ms, double? P99Ms, double? MaxMs, double? MeanMs, IReadOnlyDictionary<string, long> StatusCodes);

/// <summary>
/// A fixed number of clients, each sending its next request as soon as the previous one answered, for a fixed
/// time. Latencies are of 2xx answers; 429s and other failures are counted apart. A request still in flight at the
/// deadline is awaited and counted, and the rate divides by the time until the last answer.
/// </summary>
public static class LoadRunner
{
    public static async Task<ScenarioResult> RunAsync(
        string name, string request, HttpClient client, Func<long, HttpRequestMessage> create, int concurrency, TimeSpan duration, CancellationToken ct)
    {
        // One unmeasured request: code paths jitted (a scan of a million documents is not worth repeating per client).
        using (var warmUp = await client.SendAsync(create(-1), ct))
        {
            await warmUp.Content.ReadAsByteArrayAsync(ct);
        }
        var load = LoadAverage();

        long sequence = 0;
        var clock = Stopwatch.StartNew();
        var perWorker = await Task.WhenAll(Enumerable.Range(0, concurrency).Select(async _ =>
        {
            var samples = new List<(int Status, double Ms)>();
            while (clock.Elapsed < duration)
            {
                using var message = create(Interlocked.Increment(ref sequence));
                var started = Stopwatch.GetTimestamp();
                int status;
                try
                {
                    using var response = await client.SendAsync(message, HttpCompletionOption.ResponseContentRead, ct);
                    status = (int)response.StatusCode;
                }
                catch (HttpRequestException)
                {
                    status = 0;
                }
                samples.Add((status, Stopwatch.GetElapsedTime(started).TotalMilliseconds));
            }
            return samples;
        }));
        var elapsed = clock.Elapsed.TotalSeconds;

        var all = perWorker.SelectMany(s => s).ToList();
        var ok = all.Where(s => s.Status is >= 200 and < 300).Select(s => s.Ms).Order().ToArray();
        return new ScenarioResult(
            name, request, concurrency, Math.Round(elapsed, 2), load, all.Count, ok.Length,
            all.Count(s => s.Status == 429), all.Count(s => s.Status is not (>= 200 and < 300) and not 429),
            Math.Round(ok.Length / elapsed, 2),
            Percentile(ok, 0.50), Percentile(ok, 0.90), Percentile(ok, 0.99),
            ok.Length == 0 ? null : Math.Round(ok[^1], 1), ok.Length == 0 ? null : Math.Round(ok.Average(), 1),
            all.GroupBy(s => s.Status == 0 ? "connection_error" : s.Status.ToString(System.Globalization.CultureInfo.InvariantCulture))
                .OrderBy(g => g.Key, StringComparer.Ordinal).ToDictionary(g => g.Key, g => (long)g.Count()));
    }

    /// <summary>The machine's 1, 5 and 15 minute load averages (Linux), since other work shares its cores.</summary>
    public static string? LoadAverage()
    {
        try
        {
            return string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3));
        }
        catch (IOException)
        {
            return null;
        }
    }

    /// <summary>Nearest-rank percentile of sorted values.</summary>
    private static double? Percentile(double[] sorted, double p) =>
        sorted.Length == 0 ? null : Math.Round(sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Length) - 1, 0, sorted.Length - 1)], 1);
}
