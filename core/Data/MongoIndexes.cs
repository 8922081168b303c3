using MongoDB.Driver;
using VoiceAgents.Core.Calls;
using VoiceAgents.Core.Domain;

namespace VoiceAgents.Core.Data;

/// <summary>Creates every index idempotently. Each is led by tenant_id, so a tenant's queries never scan another's data.</summary>
public static class MongoIndexes
{
    public static async Task EnsureAsync(MongoContext db, CancellationToken ct)
    {
        await Create(db.Tenants, ct);
        await Create(db.Users, ct,
            Unique(Builders<User>.IndexKeys.Ascending(u => u.Email), "email_unique"),
            Index(Builders<User>.IndexKeys.Ascending(u => u.TenantId).Ascending(u => u.Email), "tenant_email"));
        await Create(db.RefreshTokens, ct,
            Unique(Builders<RefreshToken>.IndexKeys.Ascending(t => t.TokenHash), "token_hash_unique"),
            Index(Builders<RefreshToken>.IndexKeys.Ascending(t => t.FamilyId), "family"),
            Index(Builders<RefreshToken>.IndexKeys.Ascending(t => t.ExpiresAt), "expires", TimeSpan.Zero));
        await Create(db.LoginAttempts, ct,
            Unique(Builders<LoginAttemptWindow>.IndexKeys.Ascending(a => a.Key), "key_unique"),
            Index(Builders<LoginAttemptWindow>.IndexKeys.Ascending(a => a.ExpiresAt), "expires", TimeSpan.Zero));
        await Create(db.LoginFailures, ct,
            Unique(Builders<LoginFailureLog>.IndexKeys.Ascending(l => l.Key), "key_unique"),
            Index(Builders<LoginFailureLog>.IndexKeys.Ascending(l => l.ExpiresAt), "expires", TimeSpan.Zero));
        await Create(db.Agents, ct,
            Index(Builders<Agent>.IndexKeys.Ascending(a => a.TenantId).Descending(a => a.CreatedAt).Descending(a => a.Id), "tenant_created"),
            Index(Builders<Agent>.IndexKeys.Ascending(a => a.TenantId).Ascending(a => a.UserId), "tenant_user"));
        await Create(db.Campaigns, ct,
            Index(Builders<Campaign>.IndexKeys.Ascending(c => c.TenantId).Descending(c => c.CreatedAt).Descending(c => c.Id), "tenant_created"),
            Index(Builders<Campaign>.IndexKeys.Ascending(c => c.TenantId).Ascending(c => c.AgentId), "tenant_agent"),
            Index(Builders<Campaign>.IndexKeys.Ascending(c => c.Status), "status"));
        await Create(db.CallLogs, ct,
            Index(Builders<CallLog>.IndexKeys.Ascending(c => c.TenantId).Descending(c => c.CreatedAt).Descending(c => c.Id), "tenant_created"),
            Index(Builders<CallLog>.IndexKeys.Ascending(c => c.TenantId).Ascending(c => c.CampaignId).Descending(c => c.CreatedAt), "tenant_campaign_created"),
            Index(Builders<CallLog>.IndexKeys.Ascending(c => c.TenantId).Ascending(c => c.AgentId).Descending(c => c.CreatedAt), "tenant_agent_created"),
            Index(Builders<CallLog>.IndexKeys.Ascending(c => c.TenantId).Ascending(c => c.Status).Descending(c => c.CreatedAt), "tenant_status_created"),
            Index(Builders<CallLog>.IndexKeys.Ascending(c => c.TenantId).Ascending(c => c.PhoneNumber).Descending(c => c.CreatedAt), "tenant_phone_created"));
        await Create(db.Transcripts, ct);
        await Create(db.Analytics, ct,
            Unique(Builders<AnalyticsDay>.IndexKeys.Ascending(a => a.TenantId).Ascending(a => a.Scope).Ascending(a => a.ScopeId).Ascending(a => a.Day), "key_unique"));
        await Create(db.Webhooks, ct,
            Index(Builders<Webhook>.IndexKeys.Ascending(w => w.TenantId).Descending(w => w.CreatedAt).Descending(w => w.Id), "tenant_created"),
            Index(Builders<Webhook>.IndexKeys.Ascending(w => w.TenantId).Ascending(w => w.Events), "tenant_events"));
        await Create(db.WebhookDeliveries, ct,
            Index(Builders<WebhookDelivery>.IndexKeys.Ascending(d => d.TenantId).Ascending(d => d.WebhookId).Descending(d => d.CreatedAt).Descending(d => d.Id), "tenant_webhook_created"),
            Index(Builders<WebhookDelivery>.IndexKeys.Ascending(d => d.CreatedAt), "expires", TimeSpan.FromDays(30)));
        await Create(db.CampaignNumbers, ct,
            Unique(Builders<CampaignNumber>.IndexKeys.Ascending(n => n.CampaignId).Ascending(n => n.PhoneNumber), "campaign_phone_unique"),
            Index(Builders<CampaignNumber>.IndexKeys.Ascending(n => n.CampaignId).Ascending(n => n.Status).Ascending(n => n.NextAttemptAt), "campaign_status_next"),
            Index(Builders<CampaignNumber>.IndexKeys.Ascending(n => n.Status).Ascending(n => n.ClaimExpiresAt), "status_claim_expires"),
            Index(Builders<CampaignNumber>.IndexKeys.Ascending(n => n.CallId), "call_id"));
        await Create(db.InboundNumbers, ct,
            Unique(Builders<InboundNumber>.IndexKeys.Ascending(n => n.PhoneNumber), "phone_number_unique"),
            Index(Builders<InboundNumber>.IndexKeys.Ascending(n => n.TenantId).Ascending(n => n.AgentId), "tenant_agent"));
        await Create(db.ProviderCredentials, ct,
            Unique(Builders<ProviderCredential>.IndexKeys.Ascending(c => c.TenantId).Ascending(c => c.Provider), "tenant_provider_unique"));
        await Create(db.CallSlots, ct,
            Index(Builders<CallSlot>.IndexKeys.Ascending(s => s.Holder), "holder"),
            Index(Builders<CallSlot>.IndexKeys.Ascending(s => s.ExpiresAt), "expires"));
        await Create(db.ApiKeys, ct,
            Index(Builders<ApiKey>.IndexKeys.Ascending(k => k.Prefix), "prefix"),
            Index(Builders<ApiKey>.IndexKeys.Ascending(k => k.TenantId).Descending(k => k.CreatedAt), "tenant_created"));
        await Create(db.CallTokens, ct,
            Unique(Builders<CallToken>.IndexKeys.Ascending(t => t.TokenHash), "token_hash_unique"),
            // Kept a day past expiry, so a late caller hears "expired" rather than "unknown".
            Index(Builders<CallToken>.IndexKeys.Ascending(t => t.ExpiresAt), "expires", TimeSpan.FromDays(1)));
        await Create(db.PublishableKeys, ct,
            Unique(Builders<PublishableKey>.IndexKeys.Ascending(k => k.Key), "key_unique"),
            Index(Builders<PublishableKey>.IndexKeys.Ascending(k => k.TenantId).Descending(k => k.CreatedAt), "tenant_created"));
        await Create(db.CallRateWindows, ct,
            Index(Builders<CallRateWindow>.IndexKeys.Ascending(w => w.ExpiresAt), "expires", TimeSpan.Zero));
        await Create(db.KnowledgeBases, ct,
            Index(Builders<KnowledgeBase>.IndexKeys.Ascending(k => k.TenantId).Descending(k => k.CreatedAt), "tenant_created"));
        await Create(db.KnowledgeDocuments, ct,
            Index(Builders<KnowledgeDocument>.IndexKeys.Ascending(d => d.TenantId).Ascending(d => d.KnowledgeBaseId).Descending(d => d.CreatedAt), "tenant_kb_created"));
        await Create(db.KnowledgeChunks, ct,
            // A knowledge base's index loads all its chunks in document order; a removed document drops its own.
            Index(Builders<KnowledgeChunk>.IndexKeys.Ascending(c => c.TenantId).Ascending(c => c.KnowledgeBaseId).Ascending(c => c.DocumentId).Ascending(c => c.Position), "tenant_kb_document_position"));
    }

    private static CreateIndexModel<T> Index<T>(IndexKeysDefinition<T> keys, string name, TimeSpan? expireAfter = null) =>
        new(keys, new CreateIndexOptions { Name = name, ExpireAfter = expireAfter });

    private static CreateIndexModel<T> Unique<T>(IndexKeysDefinition<T> keys, string name) =>
        new(keys, new CreateIndexOptions { Name = name, Unique = true });

    private static async Task Create<T>(IMongoCollection<T> collection, CancellationToken ct, params CreateIndexModel<T>[] indexes)
    {
        // Creating the collection first makes reads of an empty collection cheap on the local stand-in too.
        try
        {
            await collection.Database.CreateCollectionAsync(collection.CollectionNamespace.CollectionName, cancellationToken: ct);
        }
        catch (MongoCommandException e) when (e.CodeName == "NamespaceExists" || e.Code == 48)
        {
        }
        if (indexes.Length > 0)
        {
            await collection.Indexes.CreateManyAsync(indexes, ct);
        }
    }
}
