using System.Diagnostics;
using Microsoft.Extensions.Options;
using VoiceAgents.Core.Data;
using VoiceAgents.Core.Telemetry;
using VoiceAgents.Core.Telephony;
using VoiceAgents.Core;
using VoiceAgents.VoiceHost.Calls;
using VoiceAgents.VoiceHost.Tools;
using VoiceAgents.VoiceHost.Tools.Transfer;
using VoiceAgents.VoiceHost.Health;
using VoiceAgents.VoiceHost.Metrics;
using VoiceAgents.VoiceHost.Providers;
using VoiceAgents.VoiceHost.Transport;
using VoiceAgents.VoiceHost.Configuration;
using VoiceAgents.VoiceHost.Endpoints;
using VoiceAgents.VoiceHost.Providers.Local;
using VoiceAgents.VoiceHost.Tools.Mcp;
using VoiceAgents.VoiceHost.Vad;
using VoiceAgents.Core.Knowledge;
using VoiceAgents.VoiceHost.Knowledge;

namespace VoiceAgents.VoiceHost;

public static class VoiceHostSetup
{
    public static IServiceCollection AddVoiceHost(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddVoiceAgentsCore();
        services.AddOptions<VoiceOptions>().BindConfiguration(VoiceOptions.Section).ValidateDataAnnotations().ValidateOnStart()
            .PostConfigure<IConfiguration>((o, config) =>
            {
                if (string.IsNullOrEmpty(o.VadModelPath)) o.VadModelPath = DefaultModelPath();
                if (string.IsNullOrEmpty(o.CallsFolder)) o.CallsFolder = Path.Combine(Path.GetTempPath(), "voiceagents-calls", "completed");
                if (string.IsNullOrEmpty(o.SpoolFolder)) o.SpoolFolder = Path.Combine(Path.GetTempPath(), "voiceagents-calls", "spool");
                if (string.IsNullOrEmpty(o.CallSink))
                {
                    var storage = config["Queues:ConnectionString"] ?? config["AzureWebJobsStorage"];
                    o.CallSink = string.IsNullOrEmpty(storage) ? VoiceOptions.LocalSink : VoiceOptions.QueueSink;
                }
            })
            .Validate(o => o.CallSink is VoiceOptions.QueueSink or VoiceOptions.LocalSink, "Voice:CallSink must be 'queue' or 'local'.")
            .Validate(o => o.SpoolRetryDelay > TimeSpan.Zero && o.SpoolMaxRetryDelay >= o.SpoolRetryDelay, "Voice:SpoolRetryDelay must be positive and at most Voice:SpoolMaxRetryDelay.");
        services.AddSingleton<VoiceMetrics>();
        services.AddSingleton(sp => new SileroVad(sp.GetRequiredService<IOptions<VoiceOptions>>().Value.VadModelPath));
        services.AddSingleton<Readiness>();
        services.AddHostedService(sp => sp.GetRequiredService<Readiness>());
        services.AddSingleton<ActiveCalls>();
        services.AddHostedService<CallDrain>();
        // The host must wait out the drain and the hand-off of the calls ended at its limit.
        services.AddOptions<HostOptions>().Configure<IOptions<VoiceOptions>>((h, v) =>
            h.ShutdownTimeout = v.Value.DrainTimeout + CallDrain.HandOffAllowance + TimeSpan.FromSeconds(5));
        // Exported where a collector (OTEL_EXPORTER_OTLP_ENDPOINT) or Azure Monitor (APPLICATIONINSIGHTS_CONNECTION_STRING) is configured.
        services.AddVoiceAgentsTelemetry(configuration, "voice-host", VoiceMetrics.MeterName);
        services.AddSingleton<CallSpool>();
        services.AddSingleton<CallDelivery>();
        services.AddSingleton<CallSpoolWorker>();
        services.AddHostedService(sp => sp.GetRequiredService<CallSpoolWorker>());
        services.AddSingleton<ICallSink>(sp => sp.GetRequiredService<IOptions<VoiceOptions>>().Value is { CallSink: VoiceOptions.LocalSink } o
            ? new LocalFolderCallSink(o.CallsFolder)
            : ActivatorUtilities.CreateInstance<QueueCallSink>(sp));
        services.AddSingleton<CallStartedAnnouncer>();
        services.AddSingleton<CallFactory>();
        services.AddSingleton<CallProviderKeys>();
        services.AddSingleton<CallVariableSources>();
        services.AddSingleton<PublishableKeyRateLimiter>();
        services.AddSingleton<CallerAuthenticator>();
        services.AddSingleton<AgentConfigurations>();
        services.AddSingleton<GreetingAudio>();
        services.AddSingleton<CallTransfers>();
        services.AddHttpClient(CallTransfers.HttpClientName);
        services.AddSingleton<IToolSource, TransferCallSource>();
        services.AddKnowledgeIndex();
        services.AddSingleton<IToolSource, KnowledgeToolSource>();
        services.AddSingleton<VoiceSocket>();
        services.AddTelephony();
        services.AddSingleton<TwilioMediaSocket>();
        services.AddSingleton<CallSlotKeeper>();
        services.AddHostedService(sp => sp.GetRequiredService<CallSlotKeeper>());
        services.AddSingleton<CallAdmission>();
        services.AddSingleton<OperatorEndpoints>();
        services.AddHostedService(sp => sp.GetRequiredService<OperatorEndpoints>());
        services.AddProviders();
        services.AddMcpTools();
        services.AddTools(configuration);
        services.AddVoiceHostHealth();
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
        // The detailed /health (readiness) is on the operator port (OperatorEndpoints).
        app.MapLiveness();
        app.Map("/twilio", (HttpContext http, TwilioMediaSocket socket) => socket.HandleAsync(http));
        return app;
    }
}
