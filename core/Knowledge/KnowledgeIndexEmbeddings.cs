using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Serialization;
using Microsoft.Extensions.Options;

namespace VoiceAgents.Core.Knowledge;

/// <summary>
/// Text to vectors through the OpenAI embeddings API (<c>POST {base}/embeddings</c>), used only when
/// <see cref="KnowledgeIndexOptions.EmbeddingsConfigured"/>. A plain HTTP call: the request and answer are two small
/// JSON shapes, and the OpenAI SDK's embeddings client would pin a second copy of its retry and timeout policy here.
/// </summary>
public sealed class KnowledgeIndexEmbeddings(HttpClient http, IOptions<KnowledgeIndexOptions> options)
{
    /// <summary>Inputs per request; the API takes up to 2,048.</summary>
    private const int Batch = 256;

    public bool Configured => options.Value.EmbeddingsConfigured;

    public async Task<float[][]> EmbedAsync(IReadOnlyList<string> inputs, CancellationToken ct)
    {
        var o = options.Value;
        var vectors = new List<float[]>(inputs.Count);
        for (var start = 0; start < inputs.Count; start += Batch)
        {
            var batch = inputs.Skip(start).Take(Batch).ToArray();
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
            timeout.CancelAfter(o.EmbeddingsTimeout);
            using var request = new HttpRequestMessage(HttpMethod.Post, o.EmbeddingsBaseUrl!.TrimEnd('/') + "/embeddings")
            {
                Content = JsonContent.Create(new EmbeddingsRequest(o.EmbeddingsModel, batch)),
            };
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", o.EmbeddingsApiKey);
            using var response = await http.SendAsync(request, timeout.Token);
            response.EnsureSuccessStatusCode();
            var answer = await response.Content.ReadFromJsonAsync<EmbeddingsResponse>(timeout.Token)
                ?? throw new HttpRequestException("The embeddings API answered nothing.");
            if (answer.Data.Count != batch.Length) throw new HttpRequestException($"The embeddings API answered {answer.Data.Count} vectors for {batch.Length} inputs.");
            vectors.AddRange(answer.Data.OrderBy(d => d.Index).Select(d => d.Embedding));
        }
        return [.. vectors];
    }

    private sealed record EmbeddingsRequest([property: JsonPropertyName("model")] string Model, [property: JsonPropertyName("input")] string[] Input);

    private sealed record EmbeddingsResponse([property: JsonPropertyName("data")] List<EmbeddingsDatum> Data);

    private sealed record EmbeddingsDatum([property: JsonPropertyName("index")] int Index, [property: JsonPropertyName("embedding")] float[] Embedding);
}
