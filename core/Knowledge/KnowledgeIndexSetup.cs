using Microsoft.Extensions.DependencyInjection;

namespace VoiceAgents.Core.Knowledge;

public static class KnowledgeIndexSetup
{
    /// <summary>Retrieval over knowledge bases: the index cache and, when configured, the embeddings API (<c>Knowledge:*</c>).</summary>
    public static IServiceCollection AddKnowledgeIndex(this IServiceCollection services)
    {
        services.AddOptions<KnowledgeIndexOptions>().BindConfiguration(KnowledgeIndexOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddHttpClient<KnowledgeIndexEmbeddings>();
        services.AddSingleton<KnowledgeIndexCache>();
        return services;
    }
}
