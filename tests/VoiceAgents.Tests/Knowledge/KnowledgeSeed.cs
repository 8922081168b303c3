using Microsoft.Extensions.DependencyInjection;
using MongoDB.Bson;
using MongoDB.Driver;
using VoiceAgents.Core.Data;
using VoiceAgents.Core.Domain;

namespace VoiceAgents.Tests.Knowledge;

/// <summary>
/// Knowledge bases written straight to the database, as the upload (the knowledge base API) leaves them: the base,
/// its chunks, and an agent's <c>knowledge_bases</c>.
/// </summary>
public static class KnowledgeSeed
{
    public static async Task<string> AddKnowledgeBaseAsync(IServiceProvider services, string tenantId, Func<string, List<KnowledgeChunk>> chunks, string name = "Clinic policies")
    {
        var db = services.GetRequiredService<MongoContext>();
        var id = ObjectId.GenerateNewId().ToString();
        await db.KnowledgeBases.InsertOneAsync(new KnowledgeBase { Id = id, TenantId = tenantId, Name = name, Version = 1, CreatedAt = DateTime.UtcNow, UpdatedAt = DateTime.UtcNow });
        var made = chunks(id);
        if (made.Count > 0) await db.KnowledgeChunks.InsertManyAsync(made);
        return id;
    }

    public static Task<string> AddClinicAsync(IServiceProvider services, string tenantId) =>
        AddKnowledgeBaseAsync(services, tenantId, kb => ClinicDocument.Chunks(tenantId, kb));

    /// <summary>A document added: its chunks in, and the version bumped, as the upload does.</summary>
    public static async Task AddChunksAsync(IServiceProvider services, string knowledgeBaseId, IEnumerable<KnowledgeChunk> chunks)
    {
        var db = services.GetRequiredService<MongoContext>();
        await db.KnowledgeChunks.InsertManyAsync(chunks);
        await db.KnowledgeBases.UpdateOneAsync(k => k.Id == knowledgeBaseId, Builders<KnowledgeBase>.Update.Inc(k => k.Version, 1));
    }

    public static async Task UseKnowledgeBaseAsync(IServiceProvider services, string agentId, string knowledgeBaseId, string mode)
    {
        var db = services.GetRequiredService<MongoContext>();
        await db.Agents.UpdateOneAsync(a => a.Id == agentId,
            Builders<Agent>.Update.Set(a => a.KnowledgeBases, [new AgentKnowledgeBase { Id = knowledgeBaseId, Mode = mode }]));
    }

    public static KnowledgeChunk Chunk(string tenantId, string knowledgeBaseId, string text, string? heading = null, int position = 0) => new()
    {
        Id = ObjectId.GenerateNewId().ToString(),
        TenantId = tenantId,
        KnowledgeBaseId = knowledgeBaseId,
        DocumentId = ObjectId.GenerateNewId().ToString(),
        Source = "notes.txt",
        Position = position,
        Heading = heading,
        Text = text,
    };
}
