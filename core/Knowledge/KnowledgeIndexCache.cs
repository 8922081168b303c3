using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using MongoDB.Driver;
using VoiceAgents.Core.Data;
using VoiceAgents.Core.Domain;

namespace VoiceAgents.Core.Knowledge;

/// <summary>
/// Knowledge bases' indexes, each built on first use and rebuilt when its <see cref="KnowledgeBase.Version"/> moved on
/// (a document added or removed): every lookup reads the version, one small query, so a change is seen on the next
/// turn. The cache holds at most <see cref="KnowledgeIndexOptions.MaxCachedChunks"/> chunks, dropping the least
/// recently used indexes. Hand-written rather than MemoryCache: its size limit refuses a new entry when full (and
/// compacts later, in the background) where a call wants the newest index kept and the oldest dropped now.
/// </summary>
public sealed partial class KnowledgeIndexCache(MongoContext db, KnowledgeIndexEmbeddings embeddings, IOptions<KnowledgeIndexOptions> options, ILogger<KnowledgeIndexCache> log)
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, LinkedListNode<Entry>> _entries = new(StringComparer.Ordinal);
    /// <summary>Most recently used first.</summary>
    private readonly LinkedList<Entry> _recency = new();
    private long _chunks;

    /// <summary>The indexes held now, for tests and health.</summary>
    public int Count
    {
        get
        {
            lock (_gate) return _entries.Count;
        }
    }

    /// <summary>The knowledge base's current index, or null when it is not one of the tenant's.</summary>
    public async Task<KnowledgeIndex?> GetAsync(string tenantId, string knowledgeBaseId, CancellationToken ct)
    {
        if (!Ids.IsValid(knowledgeBaseId)) return null;
        var id = knowledgeBaseId.ToLowerInvariant();
        var version = await db.KnowledgeBases.Find(k => k.Id == id && k.TenantId == tenantId).Project(k => (long?)k.Version).FirstOrDefaultAsync(ct);
        if (version is not { } current) return null;
        Task<KnowledgeIndex> building;
        lock (_gate)
        {
            if (_entries.TryGetValue(id, out var node) && node.Value.Version == current && !node.Value.Index.IsFaulted)
            {
                _recency.Remove(node);
                _recency.AddFirst(node);
                building = node.Value.Index;
            }
            else
            {
                if (node is not null) Drop(node);
                // Built under no caller's token: callers share it, and one hanging up must not fail the others.
                building = BuildAsync(tenantId, id, current);
                _entries[id] = _recency.AddFirst(new Entry(id, current, building));
            }
        }
        var index = await building.WaitAsync(ct);
        Account(id, index);
        return index;
    }

    /// <summary>
    /// The <paramref name="k"/> best chunks for <paramref name="query"/> across the tenant's knowledge bases, best
    /// first (knowledge bases that are gone are left out). With embeddings configured the query is embedded once and
    /// fused with BM25 in each index that has embeddings; when the API fails, BM25 answers alone.
    /// </summary>
    public async Task<IReadOnlyList<KnowledgeIndexHit>> SearchAsync(string tenantId, IEnumerable<string> knowledgeBaseIds, string query, int k, CancellationToken ct)
    {
        var indexes = new List<KnowledgeIndex>();
        foreach (var id in knowledgeBaseIds.Distinct(StringComparer.OrdinalIgnoreCase))
        {
            if (await GetAsync(tenantId, id, ct) is { } index) indexes.Add(index);
        }
        return await SearchAsync(indexes, query, k, ct);
    }

    /// <summary>The <paramref name="k"/> best chunks for <paramref name="query"/> in <paramref name="indexes"/>, best first.</summary>
    public async Task<IReadOnlyList<KnowledgeIndexHit>> SearchAsync(IReadOnlyList<KnowledgeIndex> indexes, string query, int k, CancellationToken ct)
    {
        if (indexes.Count == 0 || string.IsNullOrWhiteSpace(query)) return [];
        var vector = indexes.Any(i => i.HasEmbeddings) ? await EmbedQueryAsync(query, ct) : null;
        return indexes.Count == 1
            ? indexes[0].Search(query, k, vector)
            : indexes.SelectMany(i => i.Search(query, k, vector)).OrderByDescending(h => h.Score).Take(k).ToArray();
    }

    private async Task<float[]?> EmbedQueryAsync(string query, CancellationToken ct)
    {
        if (!embeddings.Configured) return null;
        try
        {
            return (await embeddings.EmbedAsync([query], ct))[0];
        }
        catch (Exception e) when (e is HttpRequestException or System.Text.Json.JsonException || (e is OperationCanceledException && !ct.IsCancellationRequested))
        {
            LogQueryEmbeddingFailed(log, e);
            return null;
        }
    }

    private async Task<KnowledgeIndex> BuildAsync(string tenantId, string id, long version)
    {
        await Task.Yield();
        var chunks = await db.KnowledgeChunks.Find(c => c.TenantId == tenantId && c.KnowledgeBaseId == id)
            .SortBy(c => c.DocumentId).ThenBy(c => c.Position).ToListAsync();
        if (embeddings.Configured) await EmbedMissingAsync(chunks);
        var started = TimeProvider.System.GetTimestamp();
        var index = KnowledgeIndex.Build(chunks, version);
        LogBuilt(log, id, version, chunks.Count, TimeProvider.System.GetElapsedTime(started).TotalMilliseconds);
        return index;
    }

    /// <summary>Chunks written without embeddings get them now, once: they are stored, so the next build reads them.</summary>
    private async Task EmbedMissingAsync(List<KnowledgeChunk> chunks)
    {
        var missing = chunks.Where(c => c.Embedding is not { Length: > 0 }).ToList();
        if (missing.Count == 0) return;
        try
        {
            var vectors = await embeddings.EmbedAsync(missing.Select(c => c.Heading is { Length: > 0 } h ? h + "\n" + c.Text : c.Text).ToArray(), CancellationToken.None);
            var writes = new List<WriteModel<KnowledgeChunk>>(missing.Count);
            for (var i = 0; i < missing.Count; i++)
            {
                missing[i].Embedding = vectors[i];
                writes.Add(new UpdateOneModel<KnowledgeChunk>(Builders<KnowledgeChunk>.Filter.Eq(c => c.Id, missing[i].Id), Builders<KnowledgeChunk>.Update.Set(c => c.Embedding, vectors[i])));
            }
            await db.KnowledgeChunks.BulkWriteAsync(writes, new BulkWriteOptions { IsOrdered = false });
        }
        catch (Exception e) when (e is HttpRequestException or System.Text.Json.JsonException or OperationCanceledException or MongoException)
        {
            // The index is built on BM25 alone this time; the next version tries again.
            foreach (var c in missing) c.Embedding = null;
            LogChunkEmbeddingFailed(log, e, missing.Count);
        }
    }

    /// <summary>Counts a built index's chunks once, then drops the least recently used indexes beyond the bound.</summary>
    private void Account(string id, KnowledgeIndex index)
    {
        lock (_gate)
        {
            if (!_entries.TryGetValue(id, out var node) || node.Value.Counted || node.Value.Index.Result != index) return;
            node.Value.Counted = true;
            _chunks += index.Count;
            while (_chunks > options.Value.MaxCachedChunks && _recency.Last is { } oldest && oldest != node) Drop(oldest);
        }
    }

    private void Drop(LinkedListNode<Entry> node)
    {
        _recency.Remove(node);
        _entries.Remove(node.Value.Id);
        if (node.Value.Counted) _chunks -= node.Value.Index.Result.Count;
    }

    private sealed class Entry(string id, long version, Task<KnowledgeIndex> index)
    {
        public string Id { get; } = id;
        public long Version { get; } = version;
        public Task<KnowledgeIndex> Index { get; } = index;
        public bool Counted { get; set; }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Knowledge base {KnowledgeBaseId} version {Version} indexed: {Chunks} chunks in {Ms} ms")]
    private static partial void LogBuilt(ILogger log, string knowledgeBaseId, long version, int chunks, double ms);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Embedding a query failed; BM25 answers alone")]
    private static partial void LogQueryEmbeddingFailed(ILogger log, Exception e);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Embedding {Chunks} chunks failed; the index is BM25 alone")]
    private static partial void LogChunkEmbeddingFailed(ILogger log, Exception e, int chunks);
}
