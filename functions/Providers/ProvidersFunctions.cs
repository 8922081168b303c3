using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Azure.Functions.Worker;
using VoiceAgents.Core.Providers;
using VoiceAgents.Functions.OpenApi;
using VoiceAgents.Functions.ProviderCredentials;

namespace VoiceAgents.Functions.Providers;

/// <summary>The registry's providers, and per vendor whether this tenant's calls have a key to use (<c>keys</c>).</summary>
public sealed record ProvidersResponse(IReadOnlyList<ProviderInfo> Llm, IReadOnlyList<ProviderInfo> Stt, IReadOnlyList<ProviderInfo> Tts, IReadOnlyList<ProviderKeyStatus> Keys);

public sealed class ProvidersFunctions(ProviderCredentialsService credentials)
{
    [Function("ListProviders")]
    [OpenApiOperation("providers", "The LLM, STT and TTS providers an agent may use, with their options, and whose key the tenant's calls use for each vendor", null, typeof(ProvidersResponse))]
    public async Task<Ok<ProvidersResponse>> List(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "providers")] HttpRequest req, CancellationToken ct) =>
        TypedResults.Ok(new ProvidersResponse(ProviderRegistry.Llm, ProviderRegistry.Stt, ProviderRegistry.Tts, await credentials.KeysAsync(ct)));
}
