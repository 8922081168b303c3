using System.Diagnostics;
using Microsoft.Extensions.Options;
using VoiceAgents.Core.Data;
using VoiceAgents.Core.Telemetry;
using VoiceAgents.Core.Telephony;
using VoiceAgents.Core;
using VoiceAgents.VoiceHost.Vad;

namespace VoiceAgents.VoiceHost.Calls;

/// <summary>Loads the VAD model at start, so the first call is quick and a missing model shows in /health (503).</summary>
public sealed class Readiness(IServiceProvider services, ILogger<Readiness> log) : IHostedService
{
    public string Vad { get; private set; } = "loading";
    private volatile bool _draining;

    public bool Draining
    {
        get => _draining;
        set => _draining = value;
    }
    public bool CanTakeCalls => Vad == "healthy" && !Draining;

    public Task StartAsync(CancellationToken ct)
    {
        try
        {
            services.GetRequiredService<SileroVad>();
            Vad = "healthy";
        }
        catch (Exception e) when (e is FileNotFoundException or Microsoft.ML.OnnxRuntime.OnnxRuntimeException)
        {
            Vad = "unavailable";
            log.LogError(e, "voice-host cannot take calls: the VAD model did not load");
        }
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken ct)
    {
        Draining = true;
        return Task.CompletedTask;
    }
}
