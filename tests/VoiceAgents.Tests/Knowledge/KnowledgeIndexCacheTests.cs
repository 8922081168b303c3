using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using MongoDB.Driver;
using VoiceAgents.Core.Data;
using VoiceAgents.Core.Knowledge;
using VoiceAgents.Tests.Infrastructure;
using static VoiceAgents.Tests.Knowledge.KnowledgeSeed;

namespace VoiceAgents.Tests.Knowledge;

/// <summary>The index cache over the database: built on first use, rebuilt on a new version, bounded, tenant-scoped, and fused with embeddings when configured.</summary>
[Collection(ApiCollection.Name)]
public sealed class KnowledgeIndexCacheTests(ApiFixture api)
{
    private KnowledgeIndexCache Cache(int maxChunks = 200_000, EmbeddingsLoopback? embeddings = null)
    {
        var options = Options.Create(new KnowledgeIndexOptions
        {
            MaxCachedChunks = maxChunks,
            EmbeddingsBaseUrl = embeddings?.BaseUrl.ToString(),
            EmbeddingsApiKey = embeddings is null ? null : "sk-embeddings-test",
        });
        return new KnowledgeIndexCache(api.Services.GetRequiredService<MongoContext>(), new KnowledgeIndexEmbeddings(new HttpClient(), options), options, NullLogger<KnowledgeIndexCache>.Instance);
    }

    [Fact]
    public async Task An_index_is_built_once_per_version_and_rebuilt_when_a_document_changes_the_version()
    {
        var tenant = await api.SignupAsync("kb-cache");
        var kb = await AddClinicAsync(api.Services, tenant.TenantId);
        var cache = Cache();

        var first = await cache.GetAsync(tenant.TenantId, kb, default);
        var again = await cache.GetAsync(tenant.TenantId, kb, default);
        await AddChunksAsync(api.Services, kb, [Chunk(tenant.TenantId, kb, "Free wifi is available in the waiting room.")]);
        var rebuilt = await cache.GetAsync(tenant.TenantId, kb, default);

        Assert.Same(first, again);
        Assert.NotSame(first, rebuilt);
        Assert.Equal(ClinicDocument.Chunks("t", "kb").Count, first!.Count);
        Assert.Equal(first.Count + 1, rebuilt!.Count);
        Assert.Equal(2, rebuilt.Version);
        Assert.Equal(1, cache.Count);
    }

    [Fact]
    public async Task Another_tenants_knowledge_base_or_a_malformed_id_has_no_index()
    {
        var owner = await api.SignupAsync("kb-cache-owner");
        var kb = await AddClinicAsync(api.Services, owner.TenantId);
        var stranger = await api.SignupAsync("kb-cache-stranger");
        var cache = Cache();

        Assert.Null(await cache.GetAsync(stranger.TenantId, kb, default));
        Assert.Null(await cache.GetAsync(owner.TenantId, "not-an-id", default));
        Assert.Empty(await cache.SearchAsync(stranger.TenantId, [kb], "parking", 3, default));
        Assert.NotEmpty(await cache.SearchAsync(owner.TenantId, [kb], "parking", 3, default));
    }

    [Fact]
    public async Task Beyond_its_chunk_bound_the_cache_drops_the_least_recently_used_index()
    {
        var tenant = await api.SignupAsync("kb-cache-bound");
        var a = await AddClinicAsync(api.Services, tenant.TenantId);
        var b = await AddClinicAsync(api.Services, tenant.TenantId);
        var c = await AddClinicAsync(api.Services, tenant.TenantId);
        var perBase = ClinicDocument.Chunks("t", "kb").Count;
        // Room for two knowledge bases, not three.
        var cache = Cache(maxChunks: perBase * 2 + 1);

        var indexA = await cache.GetAsync(tenant.TenantId, a, default);
        await cache.GetAsync(tenant.TenantId, b, default);
        // a is used again, so b is now the least recently used.
        Assert.Same(indexA, await cache.GetAsync(tenant.TenantId, a, default));
        var indexB = await cache.GetAsync(tenant.TenantId, b, default);
        await cache.GetAsync(tenant.TenantId, a, default);
        await cache.GetAsync(tenant.TenantId, c, default);

        Assert.Equal(2, cache.Count);
        Assert.Same(indexA, await cache.GetAsync(tenant.TenantId, a, default));
        Assert.NotSame(indexB, await cache.GetAsync(tenant.TenantId, b, default));
    }

    [Fact]
    public async Task With_embeddings_configured_chunks_are_embedded_once_and_stored_and_a_query_is_fused_with_bm25()
    {
        await using var embeddings = await EmbeddingsLoopback.StartAsync();
        var tenant = await api.SignupAsync("kb-cache-embed");
        var kb = await AddClinicAsync(api.Services, tenant.TenantId);
        var cache = Cache(embeddings: embeddings);

        var hits = await cache.SearchAsync(tenant.TenantId, [kb], "where do I leave the vehicle", 3, default);

        Assert.Equal("Parking and getting here", hits[0].Chunk.Heading);
        var (inputs, authorization) = embeddings.Requests.First();
        Assert.Equal(ClinicDocument.Chunks("t", "kb").Count, inputs.Length);
        Assert.Equal("Bearer sk-embeddings-test", authorization);
        Assert.Equal(["where do I leave the vehicle"], embeddings.Requests.Last().Inputs);
        var stored = await api.Services.GetRequiredService<MongoContext>().KnowledgeChunks.Find(ch => ch.KnowledgeBaseId == kb).ToListAsync();
        Assert.All(stored, ch => Assert.Equal(EmbeddingsLoopback.Meaning((ch.Heading ?? "") + "\n" + ch.Text), ch.Embedding));

        // A second cache (another voice-host) reads the stored vectors: only the query is embedded.
        var before = embeddings.Requests.Count;
        await Cache(embeddings: embeddings).SearchAsync(tenant.TenantId, [kb], "parking spaces", 3, default);
        Assert.Equal(before + 1, embeddings.Requests.Count);
    }

    [Fact]
    public async Task When_the_embeddings_api_is_down_bm25_answers_alone()
    {
        await using var embeddings = await EmbeddingsLoopback.StartAsync();
        embeddings.Down = true;
        var tenant = await api.SignupAsync("kb-cache-embed-down");
        var kb = await AddClinicAsync(api.Services, tenant.TenantId);

        var hits = await Cache(embeddings: embeddings).SearchAsync(tenant.TenantId, [kb], "Where can I park my car?", 3, default);

        Assert.Equal("Parking and getting here", hits[0].Chunk.Heading);
        Assert.NotEmpty(embeddings.Requests);
    }
}
