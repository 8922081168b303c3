using Azure.Core.Serialization;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Middleware;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using VoiceAgents.Core;
using VoiceAgents.Core.Json;
using VoiceAgents.Core.Logging;
using VoiceAgents.Core.Telemetry;
using VoiceAgents.Functions.Agents;
using VoiceAgents.Functions.Analysis;
using VoiceAgents.Functions.ApiKeys;
using VoiceAgents.Functions.Auth;
using VoiceAgents.Functions.Campaigns;
using VoiceAgents.Functions.CallLogs;
using VoiceAgents.Functions.Dialer;
using VoiceAgents.Functions.Events;
using VoiceAgents.Functions.Health;
using VoiceAgents.Functions.KnowledgeBases;
using VoiceAgents.Functions.Members;
using VoiceAgents.Functions.Operator;
using VoiceAgents.Functions.PostCall;
using VoiceAgents.Functions.ProviderCredentials;
using VoiceAgents.Functions.Realtime;
using VoiceAgents.Functions.Usage;
using VoiceAgents.Functions.PublishableKeys;
using VoiceAgents.Functions.WebCalls;
using VoiceAgents.Functions.Webhooks;

namespace VoiceAgents.Functions.Infrastructure;

public static class ApiSetup
{
    /// <summary>The worker middleware, outermost first. The Functions host and the local runner both run exactly these.</summary>
    public static readonly Type[] Middleware = [typeof(TelemetryMiddleware), typeof(ProblemDetailsMiddleware), typeof(AuthenticationMiddleware)];

    /// <summary>
    /// App settings with a default, for the <c>%Setting%</c> names in trigger attributes. The Functions host resolves
    /// those from its app settings (set them there); the local runner starts from these defaults.
    /// </summary>
    public static readonly IReadOnlyDictionary<string, string> DefaultAppSettings = new Dictionary<string, string>
    {
        [Core.Queues.QueueNames.CallCompletedSetting] = Core.Queues.QueueNames.CallCompleted,
        [Core.Queues.QueueNames.EventsSetting] = Core.Queues.QueueNames.Events,
        [Core.Queues.QueueNames.WebhookDeliveriesSetting] = Core.Queues.QueueNames.WebhookDeliveries,
        [Core.Queues.QueueNames.CallAnalysisSetting] = Core.Queues.QueueNames.CallAnalysis,
        [Dialer.DialerOptions.ScheduleSetting] = Dialer.DialerOptions.DefaultSchedule,
    };

    /// <summary>Everything the API needs, registered the same way under the Functions host and the local runner.</summary>
    public static IServiceCollection AddVoiceAgentsApi(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddJsonLogging(configuration, "api");
        services.AddVoiceAgentsTelemetry(configuration, "api");
        services.AddVoiceAgentsCore();
        services.Configure<Microsoft.AspNetCore.Http.Json.JsonOptions>(o => JsonDefaults.Configure(o.SerializerOptions));
        services.Configure<WorkerOptions>(o => o.Serializer = new JsonObjectSerializer(JsonDefaults.Options));
        services.AddSingleton(new FunctionCatalog([typeof(ApiSetup).Assembly]));
        services.AddSingleton<RouteTable>();
        foreach (var type in Middleware) services.AddSingleton(type);

        services.AddHealthFeature();
        services.AddAuthFeature();
        services.AddMembersFeature();
        services.AddApiKeysFeature();
        services.AddWebCallsFeature();
        services.AddPublishableKeysFeature();
        services.AddAgentsFeature();
        services.AddCampaignsFeature();
        services.AddCallLogsFeature();
        services.AddUsageFeature();
        services.AddPostCallFeature();
        services.AddAnalysisFeature(configuration);
        services.AddEventsFeature();
        services.AddRealtimeFeature();
        services.AddWebhooksFeature();
        services.AddDialerFeature();
        services.AddOperatorFeature();
        services.AddProviderCredentialsFeature();
        services.AddKnowledgeSearchFeature();
        services.AddKnowledgeBasesFeature();
        return services;
    }

    public static IFunctionsWorkerApplicationBuilder UseVoiceAgentsMiddleware(this IFunctionsWorkerApplicationBuilder builder)
    {
        foreach (var type in Middleware)
        {
            builder.Use(next => context => ((IFunctionsWorkerMiddleware)context.InstanceServices.GetRequiredService(type)).Invoke(context, next));
        }
        return builder;
    }
}
