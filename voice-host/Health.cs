using System.Diagnostics;
using Microsoft.Extensions.Options;
using VoiceAgents.Core;
using VoiceAgents.Core.Data;
using VoiceAgents.VoiceHost.Calls;
using VoiceAgents.VoiceHost.Metrics;
using VoiceAgents.VoiceHost.Providers;
using VoiceAgents.VoiceHost.Providers.Local;
using VoiceAgents.VoiceHost.Transport;
using VoiceAgents.VoiceHost.Vad;

namespace VoiceAgents.VoiceHost;

public static class VoiceHostSetup
{
    public static IServiceCollection AddVoiceHost(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddVoiceAgentsCore();
        services.AddOptions<VoiceOptions>().BindConfiguration(VoiceOptions.Section).ValidateDataAnnotations().ValidateOnStart()
            .PostConfigure(o =>
            {
                if (string.IsNullOrEmpty(o.VadModelPath)) o.VadModelPath = DefaultModelPath();
                if (string.IsNullOrEmpty(o.CallsFolder)) o.CallsFolder = Path.Combine(Path.GetTempPath(), "voiceagents-calls", "completed");
            });
        services.AddSingleton<VoiceMetrics>();
        services.AddSingleton(sp => new SileroVad(sp.GetRequiredService<IOptions<VoiceOptions>>().Value.VadModelPath));
        services.AddSingleton<ICallSink>(sp => new LocalFolderCallSink(sp.GetRequiredService<IOptions<VoiceOptions>>().Value.CallsFolder));
        services.AddSingleton<ProviderFactory>();
        services.AddSingleton<CallFactory>();
        services.AddSingleton<VoiceSocket>();

        services.AddKeyedSingleton<ISttProvider, PocketSphinxStt>("local");
        services.AddKeyedSingleton<ILlmProvider, RulesLlm>("rules");
        services.AddKeyedSingleton<ITtsProvider, LocalTts>("local");
        services.AddCloudLlmAndTts();
        return services;
    }

    /// <summary>Where infra/local/install.sh puts the Silero model, searched upward from the app folder.</summary>
    private static string DefaultModelPath()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "infra", "local", ".runtime", "models", "silero_vad_v5.onnx");
            if (File.Exists(candidate)) return candidate;
        }
        return "/opt/voiceagents/models/silero_vad_v5.onnx";
    }

    public static WebApplication MapVoiceHost(this WebApplication app)
    {
        app.UseWebSockets(new WebSocketOptions { KeepAliveInterval = TimeSpan.FromSeconds(20) });
        app.Map("/ws", (HttpContext http, VoiceSocket socket) => socket.HandleAsync(http));
        app.MapGet("/health", async (VoiceMetrics metrics, MongoContext db, CloudLlmTtsHealth cloud, CancellationToken ct) =>
        {
            using var process = Process.GetCurrentProcess();
            var mongo = "healthy";
            try
            {
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
                timeout.CancelAfter(TimeSpan.FromSeconds(2));
                await db.PingAsync(timeout.Token);
            }
            catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
            {
                mongo = "unhealthy";
            }
            var providers = new Dictionary<string, string>
            {
                ["stt.local"] = PocketSphinxStt.IsAvailable ? "healthy" : "unavailable",
                ["tts.local"] = LocalTts.IsAvailable ? "healthy" : "unavailable",
                ["llm.rules"] = "healthy",
            };
            cloud.Report(providers);
            var healthy = mongo == "healthy";
            return Results.Json(new
            {
                status = healthy ? "healthy" : "unhealthy",
                timestamp = DateTime.UtcNow,
                active_connections = metrics.Active,
                checks = new { mongo },
                providers,
                memory = new { working_set_bytes = process.WorkingSet64, gc_heap_bytes = GC.GetTotalMemory(false) },
            }, statusCode: healthy ? 200 : 503);
        });
        return app;
    }
}
