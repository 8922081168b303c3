using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using VoiceAgents.Core.Queues;
using VoiceAgents.Functions.Webhooks;

namespace VoiceAgents.Functions.Analysis;

/// <summary>
/// Analyses stored calls from the queue named by the app setting <c>CallAnalysisQueue</c> (default
/// <c>call-analysis</c>). A failure escapes, so the host redelivers the message after host.json's visibilityTimeout
/// and, after its maxDequeueCount, moves it to <c>call-analysis-poison</c>.
/// </summary>
public sealed class AnalysisFunctions(CallAnalysisHandler handler)
{
    [Function("AnalyzeCall")]
    public Task AnalyzeCall([QueueTrigger("%" + QueueNames.CallAnalysisSetting + "%")] CallAnalysisMessage message, FunctionContext context, CancellationToken ct) =>
        handler.HandleAsync(message, WebhookDeliveryFunctions.DequeueCount(context), ct);
}

public static class AnalysisFeature
{
    public static IServiceCollection AddAnalysisFeature(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<AnalysisOptions>().BindConfiguration(AnalysisOptions.Section);
        services.Configure<AnalysisVendorOptions>("openai", configuration.GetSection("Providers:OpenAI"));
        services.Configure<AnalysisVendorOptions>("anthropic", configuration.GetSection("Providers:Anthropic"));
        services.Configure<AnalysisVendorOptions>("openai_compatible", configuration.GetSection("Providers:OpenAICompatible"));
        services.AddSingleton<LlmAnalyzer>();
        services.AddSingleton<CallAnalysisQueue>();
        services.AddScoped<CallAnalysisHandler>();
        return services;
    }
}
