using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Azure.Functions.Worker;
using VoiceAgents.Core.Providers;
using VoiceAgents.Functions.OpenApi;

namespace VoiceAgents.Functions.Providers;

public sealed record ProvidersResponse(IReadOnlyList<ProviderInfo> Llm, IReadOnlyList<ProviderInfo> Stt, IReadOnlyList<ProviderInfo> Tts);

public sealed class ProvidersFunctions
{
    private static readonly ProvidersResponse Registry = new(ProviderRegistry.Llm, ProviderRegistry.Stt, ProviderRegistry.Tts);

    [Function("ListProviders")]
    [OpenApiOperation("providers", "The LLM, STT and TTS providers an agent may use, with their options", null, typeof(ProvidersResponse))]
    public Ok<ProvidersResponse> List(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "providers")] HttpRequest req) => TypedResults.Ok(Registry);
}
