using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace VoiceAgents.Bench.Api;

/// <summary>
/// A CongoDB stand-in of the bench's own: in memory (no PERSIST_PATH), on a free loopback port, with a heap big
/// enough for a million call logs. Stopped, by its process id, when the bench ends.
/// </summary>
public sealed class CongoDbProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StreamWriter _log;

    private CongoDbProcess(Process process, int port, StreamWriter log)
    {
        _process = process;
        Port = port;
        _log = log;
        LogPath = ((FileStream)log.BaseStream).Name;
    }

    public int Port { get; }
    public string Url => $"mongodb://127.0.0.1:{Port}";
    public int ProcessId => _process.Id;
    /// <summary>The stand-in's stdout and stderr, kept for when it dies under the load.</summary>
    public string LogPath { get; }

    public static async Task<CongoDbProcess> StartAsync(BenchSettings settings, CancellationToken ct)
    {
        if (!File.Exists(settings.CongoDbScript))
        {
            throw new FileNotFoundException(
                $"No CongoDB launcher at {settings.CongoDbScript}: run infra/local/install.sh, or set BENCH_CONGODB_SCRIPT, or give BENCH_MONGO_URL.");
        }
        var port = FreePort();
        var psi = new ProcessStartInfo(settings.Node)
        {
            WorkingDirectory = Path.GetDirectoryName(settings.CongoDbScript)!,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        psi.ArgumentList.Add($"--max-old-space-size={settings.MongoHeapMb}");
        psi.ArgumentList.Add(settings.CongoDbScript);
        psi.Environment["PORT"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        psi.Environment["HOST"] = "127.0.0.1";
        psi.Environment.Remove("PERSIST_PATH");
        var log = new StreamWriter(Path.Combine(Path.GetTempPath(), $"voiceagents-bench-congodb-{port}.log")) { AutoFlush = true };
        var process = Process.Start(psi) ?? throw new InvalidOperationException("node did not start");
        var ready = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null) return;
            lock (log) log.WriteLine(e.Data);
            if (e.Data.Contains("CONGODB_READY", StringComparison.Ordinal)) ready.TrySetResult();
        };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is null) return;
            lock (log) log.WriteLine(e.Data);
            Console.Error.WriteLine($"[congodb] {e.Data}");
        };
        var mongo = new CongoDbProcess(process, port, log);
        process.EnableRaisingEvents = true;
        process.Exited += (_, _) =>
        {
            if (Volatile.Read(ref mongo._stopping)) return;
            Console.Error.WriteLine($"[congodb] exited unexpectedly with code {process.ExitCode}; its output is in {mongo.LogPath}");
            ready.TrySetException(new InvalidOperationException($"CongoDB exited with code {process.ExitCode}"));
        };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            await ready.Task.WaitAsync(TimeSpan.FromSeconds(30), ct);
        }
        catch
        {
            await mongo.DisposeAsync();
            throw;
        }
        return mongo;
    }

    /// <summary>The stand-in's resident memory in MiB, read from /proc (null where there is none).</summary>
    public double? ResidentMemoryMb()
    {
        try
        {
            var line = File.ReadLines($"/proc/{_process.Id}/status").FirstOrDefault(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
            return line is null ? null : long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], System.Globalization.CultureInfo.InvariantCulture) / 1024.0;
        }
        catch (IOException)
        {
            return null;
        }
    }

    private bool _stopping;

    public async ValueTask DisposeAsync()
    {
        Volatile.Write(ref _stopping, true);
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
        lock (_log) _log.Dispose();
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
