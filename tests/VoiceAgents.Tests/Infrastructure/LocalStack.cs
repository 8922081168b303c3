using System.Diagnostics;
using System.Net.Sockets;

namespace VoiceAgents.Tests.Infrastructure;

/// <summary>
/// The real local services the tests talk to: the MongoDB stand-in, the S3 stand-in and Azurite. <c>./test.sh</c>
/// starts them; when a test run starts without them (from an IDE, say) this starts them with infra/local/start.sh.
/// </summary>
public static class LocalStack
{
    public static readonly int MongoPort = Port("TEST_MONGO_PORT", 27018);
    public static readonly int S3Port = Port("TEST_S3_PORT", 4567);
    public static readonly int BlobPort = Port("TEST_AZURITE_BLOB_PORT", 10010);
    public static readonly int QueuePort = Port("TEST_AZURITE_QUEUE_PORT", 10011);
    public static readonly int TablePort = Port("TEST_AZURITE_TABLE_PORT", 10012);

    private const string AzuriteKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";
    private static readonly SemaphoreSlim Gate = new(1, 1);
    private static bool _started;

    public static string MongoUrl => $"mongodb://127.0.0.1:{MongoPort}";
    public static string S3Url => $"http://127.0.0.1:{S3Port}";
    public static string StorageConnectionString =>
        $"DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey={AzuriteKey};" +
        $"BlobEndpoint=http://127.0.0.1:{BlobPort}/devstoreaccount1;QueueEndpoint=http://127.0.0.1:{QueuePort}/devstoreaccount1;";

    public static string RepoRoot { get; } = FindRepoRoot();

    public static async Task EnsureStartedAsync()
    {
        await Gate.WaitAsync();
        try
        {
            if (_started) return;
            if (!(IsListening(MongoPort) && IsListening(S3Port) && IsListening(QueuePort)))
            {
                await RunAsync("infra/local/start.sh");
            }
            _started = true;
        }
        finally
        {
            Gate.Release();
        }
    }

    public static bool IsListening(int port)
    {
        try
        {
            using var client = new TcpClient();
            client.Connect("127.0.0.1", port);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    /// <summary>Runs a script of infra/local with the test stack's ports and state folder.</summary>
    public static async Task RunAsync(string script)
    {
        var psi = new ProcessStartInfo("bash", Path.Combine(RepoRoot, script))
        {
            WorkingDirectory = RepoRoot,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        psi.Environment["STACK_DIR"] = Path.Combine(RepoRoot, ".local", "test-stack");
        psi.Environment["STACK_PERSIST"] = "0";
        psi.Environment["MONGO_PORT"] = MongoPort.ToString();
        psi.Environment["S3_PORT"] = S3Port.ToString();
        psi.Environment["AZURITE_BLOB_PORT"] = BlobPort.ToString();
        psi.Environment["AZURITE_QUEUE_PORT"] = QueuePort.ToString();
        psi.Environment["AZURITE_TABLE_PORT"] = TablePort.ToString();
        using var process = Process.Start(psi)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        await process.WaitForExitAsync(timeout.Token);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{script} failed ({process.ExitCode}):\n{await stdout}\n{await stderr}");
        }
    }

    private static int Port(string name, int fallback) =>
        int.TryParse(Environment.GetEnvironmentVariable(name), out var p) ? p : fallback;

    private static string FindRepoRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "VoiceAgents.sln"))) dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("VoiceAgents.sln not found above the test binaries.");
    }
}
