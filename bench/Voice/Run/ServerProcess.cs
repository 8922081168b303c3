using System.Diagnostics;
using System.Net.Http.Json;
using System.Reflection;
using System.Text.Json;
using VoiceAgents.Bench.Voice.Server;

namespace VoiceAgents.Bench.Voice.Run;

/// <summary>The voice-host under test: this program in <c>server</c> mode, as a child process.</summary>
public sealed class ServerProcess : IAsyncDisposable
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private readonly Process _process;
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(30) };
    private readonly Task _pumping;
    private readonly StreamWriter _log;

    private ServerProcess(Process process, Uri http, StreamWriter log, Task pumping)
    {
        _process = process;
        Http = http;
        _log = log;
        _pumping = pumping;
    }

    public Uri Http { get; }
    public Uri WebSocket => new($"ws://{Http.Authority}/ws");
    public int Pid => _process.Id;

    public static async Task<ServerProcess> StartAsync(IReadOnlyDictionary<string, string> settings, string logPath, CancellationToken ct)
    {
        var (file, prefix) = Self();
        var psi = new ProcessStartInfo(file)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in prefix) psi.ArgumentList.Add(a);
        psi.ArgumentList.Add("server");
        psi.ArgumentList.Add("--urls=http://127.0.0.1:0");
        // The operator's /health on a free port too, so a bench never collides with ./run.sh's voice-host.
        psi.ArgumentList.Add("--Voice:OperatorUrl=http://127.0.0.1:0");
        foreach (var (k, v) in settings) psi.ArgumentList.Add($"--{k}={v}");
        psi.Environment["DOTNET_ENVIRONMENT"] = "Production";
        var process = Process.Start(psi) ?? throw new InvalidOperationException("cannot start the bench server");
        Directory.CreateDirectory(Path.GetDirectoryName(logPath)!);
        var log = new StreamWriter(logPath, append: false) { AutoFlush = false };
        var ready = new TaskCompletionSource<Uri>(TaskCreationOptions.RunContinuationsAsynchronously);
        var stdout = Task.Run(async () =>
        {
            while (await process.StandardOutput.ReadLineAsync(CancellationToken.None) is { } line)
            {
                if (line.StartsWith(BenchServer.ReadyMarker, StringComparison.Ordinal)) ready.TrySetResult(new Uri(line[BenchServer.ReadyMarker.Length..].Trim()));
                lock (log) log.WriteLine(line);
            }
            ready.TrySetException(new InvalidOperationException("the bench server exited before it listened; see " + logPath));
        }, CancellationToken.None);
        var stderr = Task.Run(async () =>
        {
            while (await process.StandardError.ReadLineAsync(CancellationToken.None) is { } line)
            {
                lock (log) log.WriteLine("stderr: " + line);
            }
        }, CancellationToken.None);
        Uri http;
        try
        {
            http = await ready.Task.WaitAsync(TimeSpan.FromMinutes(2), ct);
        }
        catch
        {
            if (!process.HasExited) process.Kill(entireProcessTree: true);
            throw;
        }
        return new ServerProcess(process, http, log, Task.WhenAll(stdout, stderr));
    }

    /// <summary>How to start this same program again: the apphost, or dotnet with this dll.</summary>
    private static (string File, string[] Prefix) Self()
    {
        var path = Environment.ProcessPath ?? "dotnet";
        var dll = Assembly.GetEntryAssembly()!.Location;
        return Path.GetFileNameWithoutExtension(path) == "dotnet" ? (path, [dll]) : (path, []);
    }

    public async Task<Stats> StatsAsync(bool collect, CancellationToken ct)
    {
        var url = new Uri(Http, collect ? "/bench/stats?gc=1" : "/bench/stats");
        return (await _http.GetFromJsonAsync<Stats>(url, Json, ct))!;
    }

    public async Task<List<(string Type, double Mb)>> AllocationsAsync(CancellationToken ct)
    {
        var rows = await _http.GetFromJsonAsync<List<JsonElement>>(new Uri(Http, "/bench/allocations"), Json, ct) ?? [];
        return rows.Select(r => (r.GetProperty("type").GetString() ?? "?", r.GetProperty("mb").GetDouble())).ToList();
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            // SIGTERM first, so the host shuts down as in production; then force it.
            using (var kill = Process.Start("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
            {
                await kill.WaitForExitAsync();
            }
            using var grace = new CancellationTokenSource(TimeSpan.FromSeconds(15));
            try
            {
                await _process.WaitForExitAsync(grace.Token);
            }
            catch (OperationCanceledException)
            {
                _process.Kill(entireProcessTree: true);
                await _process.WaitForExitAsync();
            }
        }
        await _pumping.WaitAsync(TimeSpan.FromSeconds(10)).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        lock (_log) _log.Dispose();
        _process.Dispose();
        _http.Dispose();
    }
}
