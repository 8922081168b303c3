using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Serilog;
using Serilog.Events;

namespace VoiceAgents.Core.Logging;

public static class LoggingSetup
{
    /// <summary>Serilog writing JSON lines to stdout, tagged with the service name.</summary>
    public static IServiceCollection AddJsonLogging(this IServiceCollection services, IConfiguration configuration, string service)
    {
        // Sinks registered in DI (ILogEventSink) join the console: a test host adds one to wait on a record.
        services.AddSerilog((sp, lc) => Configure(lc, configuration, service).ReadFrom.Services(sp));
        return services;
    }

    public static LoggerConfiguration Configure(LoggerConfiguration lc, IConfiguration configuration, string service) => lc
        .MinimumLevel.Information()
        .MinimumLevel.Override("Microsoft.AspNetCore", LogEventLevel.Warning)
        .MinimumLevel.Override("Microsoft.Hosting", LogEventLevel.Information)
        .MinimumLevel.Override("System.Net.Http", LogEventLevel.Warning)
        .MinimumLevel.Override("Azure", LogEventLevel.Warning)
        .ReadFrom.Configuration(configuration)
        .Enrich.FromLogContext()
        .Enrich.WithProperty("service", service)
        .WriteTo.Console(new JsonLinesFormatter());
}
