using Microsoft.Extensions.DependencyInjection;

namespace VoiceAgents.Functions.KnowledgeBases;

public static class KnowledgeBasesFeature
{
    public static IServiceCollection AddKnowledgeBasesFeature(this IServiceCollection services) => services.AddScoped<KnowledgeBasesService>();
}
