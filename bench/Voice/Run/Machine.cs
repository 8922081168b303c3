using System.Diagnostics;
using System.Globalization;

namespace VoiceAgents.Bench.Voice.Run;

/// <summary>What else the machine is doing: load average and whole-machine CPU use (from /proc), to judge a measurement by.</summary>
public static class Machine
{
    public static double[] LoadAverage()
    {
        try
        {
            return File.ReadAllText("/proc/loadavg").Split(' ').Take(3).Select(s => double.Parse(s, CultureInfo.InvariantCulture)).ToArray();
        }
        catch (IOException)
        {
            return [];
        }
    }

    /// <summary>The "some" line's avg60 of /proc/pressure/cpu: how much of the last minute runnable tasks waited for a CPU.</summary>
    public static double? CpuPressure()
    {
        try
        {
            var some = File.ReadLines("/proc/pressure/cpu").First(l => l.StartsWith("some", StringComparison.Ordinal));
            var avg60 = some.Split(' ').First(f => f.StartsWith("avg60=", StringComparison.Ordinal));
            return double.Parse(avg60["avg60=".Length..], CultureInfo.InvariantCulture);
        }
        catch (Exception e) when (e is IOException or InvalidOperationException or FormatException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>Busy and total jiffies of all CPUs since boot.</summary>
    public static (long Busy, long Total) CpuTimes()
    {
        try
        {
            var fields = File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1)
                .Select(s => long.Parse(s, CultureInfo.InvariantCulture)).ToArray();
            var idle = fields[3] + (fields.Length > 4 ? fields[4] : 0);
            var total = fields.Take(8).Sum();
            return (total - idle, total);
        }
        catch (IOException)
        {
            return (0, 0);
        }
    }

    public static double BusyPercent((long Busy, long Total) from, (long Busy, long Total) to) =>
        to.Total > from.Total ? Math.Round(100.0 * (to.Busy - from.Busy) / (to.Total - from.Total), 1) : 0;

    public static string Cpu()
    {
        try
        {
            return File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? "";
        }
        catch (IOException)
        {
            return "";
        }
    }

    /// <summary>Runs a script of infra/local with the bench stack's settings; throws with its output when it fails.</summary>
    public static async Task RunScriptAsync(string repo, string script, IReadOnlyDictionary<string, string> env, CancellationToken ct)
    {
        var psi = new ProcessStartInfo("bash", Path.Combine(repo, script))
        {
            WorkingDirectory = repo,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var (k, v) in env) psi.Environment[k] = v;
        using var process = Process.Start(psi)!;
        var stdout = process.StandardOutput.ReadToEndAsync(ct);
        var stderr = process.StandardError.ReadToEndAsync(ct);
        await process.WaitForExitAsync(ct);
        if (process.ExitCode != 0) throw new InvalidOperationException($"{script} failed ({process.ExitCode}):\n{await stdout}\n{await stderr}");
    }

    public static string RepoRoot()
    {
        foreach (var start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "VoiceAgents.sln"))) return dir.FullName;
            }
        }
        throw new InvalidOperationException("VoiceAgents.sln not found above the working directory or the bench binaries.");
    }
}
