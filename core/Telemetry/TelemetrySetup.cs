using System.Diagnostics;
using System.Diagnostics.Metrics;
using Azure.Monitor.OpenTelemetry.AspNetCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace VoiceAgents.Core.Telemetry;

/// <summary>
/// OpenTelemetry for a service: the platform's spans and meters, ASP.NET Core and HttpClient instrumentation, and
/// process CPU and memory. Exported with OTLP when <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set and to Azure Monitor
/// when <c>APPLICATIONINSIGHTS_CONNECTION_STRING</c> is set; with neither, nothing leaves the process.
/// </summary>
public static class TelemetrySetup
{
    public static IServiceCollection AddVoiceAgentsTelemetry(this IServiceCollection services, IConfiguration configuration, string service, params string[] meters)
    {
        ProcessMetrics.Register();
        var otlp = !string.IsNullOrEmpty(configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]);
        var otel = services.AddOpenTelemetry()
            .ConfigureResource(r => r.AddService(configuration["OTEL_SERVICE_NAME"] ?? service))
            .WithTracing(t =>
            {
                t.AddSource(Tracing.SourceName).AddAspNetCoreInstrumentation().AddHttpClientInstrumentation();
                if (otlp) t.AddOtlpExporter();
            })
            .WithMetrics(m =>
            {
                m.AddMeter([ProcessMetrics.MeterName, ApiMetrics.MeterName, .. meters])
                    .AddAspNetCoreInstrumentation()
                    .AddHttpClientInstrumentation();
                if (otlp) m.AddOtlpExporter();
            });
        if (!string.IsNullOrEmpty(configuration["APPLICATIONINSIGHTS_CONNECTION_STRING"]))
        {
            otel.UseAzureMonitor(o => o.ConnectionString = configuration["APPLICATIONINSIGHTS_CONNECTION_STRING"]);
        }
        return services;
    }
}

/// <summary>Process CPU time and memory, observed when a reader collects.</summary>
public static class ProcessMetrics
{
    public const string MeterName = "VoiceAgents.Process";
    private static readonly Meter Meter = new(MeterName);
    private static int _registered;

    public static void Register()
    {
        if (Interlocked.Exchange(ref _registered, 1) == 1) return;
        Meter.CreateObservableCounter("process.cpu.time", () => Process.GetCurrentProcess().TotalProcessorTime.TotalSeconds, "s", "CPU time used by the process");
        Meter.CreateObservableGauge("process.memory.usage", () => Environment.WorkingSet, "By", "Physical memory in use by the process");
        Meter.CreateObservableGauge("process.memory.gc_heap", () => GC.GetTotalMemory(false), "By", "Managed heap size");
    }
}

/// <summary>
/// The API's requests by function: duration (mean, p95 and p99 come from this histogram in the backend) and the
/// count by status, whose 5xx share is the error rate per endpoint.
/// </summary>
public static class ApiMetrics
{
    public const string MeterName = "VoiceAgents.Api";
    private static readonly Meter Meter = new(MeterName);
    public static readonly Histogram<double> Duration = Meter.CreateHistogram<double>("api.request.duration", "ms", "API request duration by function");
    public static readonly Counter<long> Requests = Meter.CreateCounter<long>("api.requests", description: "API requests by function and status");

    public static void Record(string function, int status, double milliseconds)
    {
        var tags = new TagList { { "function", function }, { "status", status }, { "error", status >= 500 } };
        Duration.Record(milliseconds, tags);
        Requests.Add(1, tags);
    }
}
